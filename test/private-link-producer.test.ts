import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { consumerStack, expectOnlyTcpBetween, logicalId, producer, ProducerFixture } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer, PrivateLinkProducerProps } from '../src';

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

test.each<[string, (web: ProducerFixture) => Partial<PrivateLinkProducerProps>, RegExp]>([
  ['no targets', () => ({ instances: [] }), /instances: no targets; give at least one instance, Auto Scaling group, IP address, ECS service or Application Load Balancer/],
  ['IP addresses and instances', () => ({ ipAddresses: ['10.0.0.5'] }), /ipAddresses: IP addresses cannot be combined with instances or Auto Scaling groups/],
  ['an IP address twice', () => ({ instances: undefined, ipAddresses: ['10.0.0.5', '10.0.0.5'] }), /ipAddresses: IP address '10.0.0.5' is listed twice/],
  ['an instance twice', (web) => ({ instances: [web.instances[0], web.instances[0]] }), /instances: instance 'Test\/WebInstance0' is listed twice/],
  ...[0, -1, 65536, 80.5].map((port): [string, () => Partial<PrivateLinkProducerProps>, RegExp] =>
    [`port ${port}`, () => ({ port }), new RegExp(`port: must be an integer from 1 to 65535, got ${port}`)]),
  ['a port that is a token', () => ({ port: Token.asNumber({ Ref: 'Port' }) }), /port: must be known at synth time, not a token/],
  ['a port that is a string', () => ({ port: '8080' as unknown as number }), /port: must be a number, got string "8080"/],
  ['subnets that select none', () => ({ vpcSubnets: { subnets: [] } }), /vpcSubnets: the selection picks no subnet in VPC 'Test\/Web'/],
])('%s fails at construction, naming the producer and the prop', (_what, invalid, message) => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, ...invalid(web) }))
    .toThrow(new RegExp(`^Test/Service: ${message.source}`));
});

describe('an empty list is no target', () => {
  test.each<[string, (web: ProducerFixture) => Partial<PrivateLinkProducerProps>, string]>([
    ['no ECS services beside instances', (web) => ({ instances: web.instances, ecsServices: [] }), 'instance'],
    ['no IP addresses beside instances', (web) => ({ instances: web.instances, ipAddresses: [] }), 'instance'],
    ['no Auto Scaling groups beside instances', (web) => ({ instances: web.instances, autoScalingGroups: [] }), 'instance'],
    ['no instances beside IP addresses', () => ({ instances: [], ipAddresses: ['10.0.1.10'] }), 'ip'],
    ['no Auto Scaling groups beside IP addresses', () => ({ instances: undefined, autoScalingGroups: [], ipAddresses: ['10.0.1.10'] }), 'ip'],
  ])('%s', (_what, targets, targetType) => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ...targets(web) });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: targetType });
  });

  test('empty lists alone are no targets at all', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: [], ipAddresses: [], autoScalingGroups: [], ecsServices: [] }))
      .toThrow(/^Test\/Service: instances: no targets; give at least one instance/);
  });
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

describe('targets and checks', () => {
  test('an Auto Scaling group registers itself in the target group and accepts the port from the NLB only', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web', 1);
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc: web.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    });
    const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, autoScalingGroups: [group] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { TargetGroupARNs: [{ Ref: logicalId(stack, service.targetGroup) }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance', Targets: Match.absent() });
    expectOnlyTcpBetween(template,
      { 'Fn::GetAtt': [logicalId(stack, service.securityGroup), 'GroupId'] },
      { 'Fn::GetAtt': [logicalId(stack, group.connections.securityGroups[0] as never), 'GroupId'] }, 80);
  });

  test('an Auto Scaling group in another stack is rejected', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web', 1);
    const other = new Stack(stack.node.scope as Construct, 'Other');
    const group = new autoscaling.AutoScalingGroup(other, 'Group', {
      vpc: web.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    });
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, autoScalingGroups: [group] }))
      .toThrow(/Test\/Service: autoScalingGroups: Auto Scaling group 'Other\/Group' is in another stack; create the producer \(for a route, the router\) in its stack/);
  });

  test('IP addresses make an IP target group, and the NLB may send the port to each address only', () => {
    const { stack, service, template } = build({ instances: undefined, ipAddresses: ['10.0.1.10', '10.0.2.20'] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Targets: [{ Id: '10.0.1.10', Port: 8080 }, { Id: '10.0.2.20', Port: 8080 }],
    });
    const nlbGroup = logicalId(stack, service.securityGroup);
    const egress = template.findResources('AWS::EC2::SecurityGroup')[nlbGroup].Properties.SecurityGroupEgress;
    expect(egress).toEqual([
      expect.objectContaining({ CidrIp: '10.0.1.10/32', IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080 }),
      expect.objectContaining({ CidrIp: '10.0.2.20/32', IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080 }),
    ]);
  });

  test('a health check with a path makes the NLB check HTTP; the deregistration delay is set', () => {
    const { template } = build({
      healthCheck: { path: '/healthz', healthyHttpCodes: '200-299', interval: Duration.seconds(10) },
      deregistrationDelay: Duration.seconds(30),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'TCP',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/healthz',
      Matcher: { HttpCode: '200-299' },
      HealthCheckIntervalSeconds: 10,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
  });

  test('without a health check the NLB keeps its TCP check', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP', HealthCheckProtocol: Match.absent(), HealthCheckPath: Match.absent() });
  });
});

describe('health checks', () => {
  test('status codes alone make the NLB check HTTP, since ELB rejects a matcher on a TCP check', () => {
    const { template } = build({ healthCheck: { healthyHttpCodes: '200-399' } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'TCP',
      HealthCheckProtocol: 'HTTP',
      Matcher: { HttpCode: '200-399' },
    });
  });

  test('an interval without a timeout gets a timeout below it', () => {
    const short = build({ healthCheck: { interval: Duration.seconds(5) } }).template;
    short.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4 });
    const long = build({ healthCheck: { interval: Duration.seconds(30) } }).template;
    long.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5 });
    const given = build({ healthCheck: { interval: Duration.seconds(30), timeout: Duration.seconds(10) } }).template;
    given.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 10 });
  });

  test.each([
    ['disabled', { enabled: false }, /healthCheck: enabled cannot be false/],
    ['on another port', { port: '9000' }, /healthCheck: port must be 'traffic-port'/],
    ['TCP with a path', { protocol: elbv2.Protocol.TCP, path: '/healthz' }, /healthCheck: has a path or healthyHttpCodes, which a TCP health check cannot use; leave protocol out/],
  ])('a check %s is rejected naming the producer', (_what, healthCheck, message) => {
    expect(() => build({ healthCheck })).toThrow(new RegExp(`^Test/Service: ${message.source}`));
  });
});

describe('instances must be in the producer\'s VPC, which the load balancer can only register', () => {
  test('an instance whose security group is in another VPC fails, naming both', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const other = producer(stack, 'Other');
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: other.vpc, instances: web.instances }))
      .toThrow(/Test\/Service: instances: instance 'Test\/WebInstance0' is in another VPC than 'Test\/Other' \(its security groups are\)/);
  });

  test('a route that gives another VPC than its instances\' reports it before the deployment would', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const other = producer(stack, 'Other');
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: other.vpc, instances: web.instances }] }))
      .toThrow(/^Test\/Router\/a: instances: instance 'Test\/WebInstance0' is in another VPC than 'Test\/Other'/);
  });

  test('an instance whose VPC cannot be known gives a warning', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const opaque: ec2.IInstance = Object.assign(Object.create(web.instances[0]), {
      connections: new ec2.Connections({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-0123')] }),
    });
    new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: [opaque] });
    Annotations.fromStack(stack).hasWarning('/Test/Service', Match.stringLikeRegexp("Test/Service: instances: cannot tell at synth time whether instance 'Test/WebInstance0' is in VPC 'Test/Web'"));
  });
});
