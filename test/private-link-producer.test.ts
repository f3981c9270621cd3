import { App, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { consumerStack, expectOnlyTcpBetween, logicalId, producer } from './fixtures';
import { PrivateLinkProducer } from '../src';

function build(props: Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]> = {}) {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, port: 8080, ...props });
  return { stack, web, service, template: Template.fromStack(stack) };
}

test('the NLB is internal, in the isolated subnets, cross-zone, with its own security group', () => {
  const { stack, web, service, template } = build();
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Type: 'network',
    Scheme: 'internal',
    Subnets: web.vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(stack, subnet) })),
    SecurityGroups: [{ 'Fn::GetAtt': [logicalId(stack, service.securityGroup), 'GroupId'] }],
    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
  });
});

test('the NLB listens on the port with TCP and forwards to a target group holding every instance', () => {
  const { stack, web, service, template } = build();
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    LoadBalancerArn: { Ref: logicalId(stack, service.loadBalancer) },
    Port: 8080,
    Protocol: 'TCP',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(stack, service.targetGroup) } }],
  });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    Port: 8080,
    Protocol: 'TCP',
    TargetType: 'instance',
    Targets: web.instances.map((instance) => ({ Id: { Ref: logicalId(stack, instance) }, Port: 8080 })),
  });
});

test('the endpoint service points at the NLB, needs no acceptance and admits the stack account', () => {
  const { stack, service, template } = build();
  template.hasResourceProperties('AWS::EC2::VPCEndpointService', {
    NetworkLoadBalancerArns: [{ Ref: logicalId(stack, service.loadBalancer) }],
    AcceptanceRequired: false,
  });
  template.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', {
    ServiceId: stack.resolve(service.endpointService.vpcEndpointServiceId),
    AllowedPrincipals: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] }],
  });
});

test('allowedPrincipals and acceptanceRequired are passed to the endpoint service', () => {
  const { template } = build({
    allowedPrincipals: [new iam.ArnPrincipal('arn:aws:iam::111122223333:root')],
    acceptanceRequired: true,
  });
  template.hasResourceProperties('AWS::EC2::VPCEndpointService', { AcceptanceRequired: true });
  template.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', {
    AllowedPrincipals: ['arn:aws:iam::111122223333:root'],
  });
});

test('instances accept the port from the NLB security group only, and the NLB may send only there', () => {
  const { stack, web, service, template } = build();
  const nlbGroup = { 'Fn::GetAtt': [logicalId(stack, service.securityGroup), 'GroupId'] };
  const instanceGroup = { 'Fn::GetAtt': [logicalId(stack, web.securityGroup), 'GroupId'] };
  expectOnlyTcpBetween(template, nlbGroup, instanceGroup, 8080);
  // No inbound rule at all: the endpoint service is the only way in.
  template.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: Match.stringLikeRegexp('PrivateLink NLB'),
    SecurityGroupIngress: Match.absent(),
    SecurityGroupEgress: Match.absent(),
  });
});

test('crossZoneEnabled false turns cross-zone load balancing off', () => {
  const { template } = build({ crossZoneEnabled: false });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'false' }]),
  });
});

test('the port defaults to 80', () => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances });
  expect(service.port).toBe(80);
  Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'TCP' });
});

test('invalid input fails at construction naming the producer', () => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  expect(() => new PrivateLinkProducer(stack, 'NoInstances', { vpc: web.vpc, instances: [] }))
    .toThrow(/Test\/NoInstances: instances is empty/);
  expect(() => new PrivateLinkProducer(stack, 'BadPort', { vpc: web.vpc, instances: web.instances, port: 0 }))
    .toThrow(/Test\/BadPort: port must be an integer from 1 to 65535, got 0/);
  expect(() => new PrivateLinkProducer(stack, 'NoSubnets', { vpc: web.vpc, instances: web.instances, vpcSubnets: { subnets: [] } }))
    .toThrow(/Test\/NoSubnets: the load balancer subnets selection picks no subnet in VPC 'Test\/Web'/);
});

test('instances in another stack get their ingress rule from the producer stack, with no reference back', () => {
  const { stack } = consumerStack();
  const instancesStack = new Stack(stack.node.scope as Construct, 'Instances');
  const web = producer(instancesStack, 'Web');
  const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances });
  Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(stack, service.securityGroup), 'GroupId'] },
    GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('InstanceSecurityGroup') },
    FromPort: 80,
  });
  Template.fromStack(instancesStack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  // Synthesising the whole app fails on a dependency cycle if a rule points back.
  expect(() => App.of(stack)!.synth()).not.toThrow();
});
