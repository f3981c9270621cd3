// The router's front door beyond routing: a WAF web ACL on the ALB, and IPv6 clients.
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { consumerVpc, expectLeastPrivilege, logicalId, producer, securityGroupRules } from './fixtures';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps } from '../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-0123456789ab';
const certificate = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/0123abcd-0123-4567-89ab-0123456789ab');

/** Where `build` makes its router. */
interface BuildOptions {
  readonly dualStackVpc?: boolean;
  readonly agnostic?: boolean;
  readonly context?: Record<string, unknown>;
}

/** A router with one route in a stack of eu-west-1 (or environment-agnostic), in an IPv4 or dual-stack VPC. */
function build(props: Partial<AlbPrivateLinkRouterProps> = {}, options: BuildOptions = {}) {
  const app = new App({ context: options.context });
  const stack = new Stack(app, 'Test', options.agnostic ? {} : { env: ENV });
  const vpc = consumerVpc(stack, 'Consumer', 2, options.dualStackVpc ? ec2.IpProtocol.DUAL_STACK : undefined);
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/web', producerVpc: web.vpc, instances: web.instances }], ...props });
  return { stack, vpc, router };
}

describe('webAclArn', () => {
  test('associates the web ACL with the ALB, which it refers to and so waits for', () => {
    const { stack, router } = build({ webAclArn: WEB_ACL_ARN });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: logicalId(stack, router.loadBalancer) },
      WebACLArn: WEB_ACL_ARN,
    });
    expect(router.webAclAssociation).toBeDefined();
  });

  test('takes a regional web ACL of the stack by its ARN', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const webAcl = new wafv2.CfnWebACL(stack, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'edge', sampledRequestsEnabled: true },
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), webAclArn: webAcl.attrArn });
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: { 'Fn::GetAtt': [stack.resolve(webAcl.logicalId), 'Arn'] } });
  });

  test('a CloudFront web ACL of the stack is rejected', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const webAcl = new wafv2.CfnWebACL(stack, 'Acl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'edge', sampledRequestsEnabled: true },
    });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), webAclArn: webAcl.attrArn }))
      .toThrow(/^Test\/Router: webAclArn: web ACL 'Test\/Acl' has scope CLOUDFRONT, for CloudFront; an ALB takes a web ACL of scope REGIONAL in its own Region\.$/);
  });

  test.each([
    ['a global (CloudFront) ARN', WEB_ACL_ARN.replace(':eu-west-1:', ':us-east-1:').replace(':regional/', ':global/'), /webAclArn: '.*' is a global web ACL, for CloudFront; an ALB takes a regional one/],
    ['an ARN of another Region', WEB_ACL_ARN.replace(':eu-west-1:', ':eu-central-1:'), /webAclArn: the web ACL is in eu-central-1, the ALB in eu-west-1; a regional web ACL protects resources of its own Region only\.$/],
    ['a WAF Classic web ACL ID', 'a1b2c3d4-5678-90ab-cdef-example11111', /webAclArn: 'a1b2c3d4-5678-90ab-cdef-example11111' is not the ARN of a WAFv2 web ACL/],
    ['an ARN of another resource', WEB_ACL_ARN.replace('/webacl/', '/ipset/'), /webAclArn: '.*' is not the ARN of a WAFv2 web ACL/],
  ])('%s is rejected before anything is made', (_what, webAclArn, message) => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), webAclArn }))
      .toThrow(new RegExp(`^Test/Router: ${message.source}`));
    expect(stack.node.tryFindChild('Router')?.node.tryFindChild('LoadBalancer')).toBeUndefined();
  });

  test('a literal ARN is accepted in a stack of no Region, which cannot be compared', () => {
    const { stack } = build({ webAclArn: WEB_ACL_ARN }, { agnostic: true });
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('without it, there is no association', () => {
    const { stack, router } = build();
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    expect(router.webAclAssociation).toBeUndefined();
  });
});

/** The world ingress rules of the ALB's security group, as `<cidr> <port>`. */
function worldIngressOf(stack: Stack, router: AlbPrivateLinkRouter): string[] {
  const group = logicalId(stack, router.loadBalancer.connections.securityGroups[0]);
  return securityGroupRules(Template.fromStack(stack))
    .filter(({ group: owner, direction, rule }) => owner === group && direction === 'ingress' && (rule.CidrIp ?? rule.CidrIpv6) !== undefined)
    .map(({ rule }) => `${rule.CidrIp ?? rule.CidrIpv6} ${rule.FromPort}`)
    .sort();
}

describe('ipAddressType', () => {
  const POST_FLAG = { [cxapi.ALB_DUALSTACK_WITHOUT_PUBLIC_IPV4_SECURITY_GROUP_RULES_DEFAULT]: true };

  test.each<[string, elbv2.IpAddressType, Record<string, unknown>]>([
    ['DUAL_STACK', elbv2.IpAddressType.DUAL_STACK, {}],
    ['DUAL_STACK_WITHOUT_PUBLIC_IPV4 without the feature flag', elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4, {}],
    ['DUAL_STACK_WITHOUT_PUBLIC_IPV4 with the feature flag', elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4, POST_FLAG],
  ])('%s: an open router admits any IPv4 and any IPv6 address on each listener port, once', (_what, ipAddressType, context) => {
    const { stack, router } = build({ ipAddressType, certificates: [certificate] }, { dualStackVpc: true, context });
    expect(worldIngressOf(stack, router)).toEqual(['0.0.0.0/0 443', '0.0.0.0/0 80', '::/0 443', '::/0 80']);
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      IpAddressType: ipAddressType,
    });
  });

  test('a dual-stack router keeps every other rule to a port and a security group', () => {
    const { stack, router } = build({ ipAddressType: elbv2.IpAddressType.DUAL_STACK }, { dualStackVpc: true });
    expectLeastPrivilege(Template.fromStack(stack), {
      allowedPorts: [80],
      worldGroup: logicalId(stack, router.loadBalancer.connections.securityGroups[0]),
      worldPort: 80,
    });
  });

  test('a closed dual-stack router admits no address', () => {
    const { stack, router } = build({ ipAddressType: elbv2.IpAddressType.DUAL_STACK, open: false }, { dualStackVpc: true });
    expect(worldIngressOf(stack, router)).toEqual([]);
  });

  test('behind a dual-stack ALB, the endpoints and their target groups stay IPv4', () => {
    const { stack } = build({ ipAddressType: elbv2.IpAddressType.DUAL_STACK }, { dualStackVpc: true });
    const template = Template.fromStack(stack);
    for (const group of Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { TargetType: 'ip' } }))) {
      expect(group.Properties.IpAddressType ?? 'ipv4').toBe('ipv4');
    }
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint'))) {
      expect(endpoint.Properties.IpAddressType ?? 'ipv4').toBe('ipv4');
    }
  });

  test('dual-stack in a VPC without IPv6 is rejected, naming a subnet', () => {
    expect(() => build({ ipAddressType: elbv2.IpAddressType.DUAL_STACK }))
      .toThrow(/^Test\/Router: ipAddressType: DUAL_STACK needs subnets with IPv6 CIDR blocks, and subnet 'Test\/Consumer\/publicSubnet1' of the ALB has none; give the VPC IPv6 \(ipProtocol: ec2\.IpProtocol\.DUAL_STACK\), or leave ipAddressType out\.$/);
  });

  test('without public IPv4 on an internal ALB is rejected', () => {
    expect(() => build({ ipAddressType: elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4, internetFacing: false }, { dualStackVpc: true }))
      .toThrow(/^Test\/Router: ipAddressType: DUAL_STACK_WITHOUT_PUBLIC_IPV4 is for an internet-facing ALB/);
  });

  test('subnets not defined in the app are warned of: their IPv6 blocks cannot be seen', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, ipAddressType: elbv2.IpAddressType.DUAL_STACK });
    Annotations.fromStack(stack).hasWarning('/Test/Router', Match.stringLikeRegexp('ipAddressType: cannot tell at synth time whether the ALB\'s subnets have IPv6 CIDR blocks'));
  });
});
