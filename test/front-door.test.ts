// The router's front door beyond routing: a WAF web ACL on the ALB, and IPv6 clients.
import { App, CfnElement, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
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
  /** Give the router the public zone example.com as domainZone. */
  readonly zone?: boolean;
}

/** A router with one route in a stack of eu-west-1 (or environment-agnostic), in an IPv4 or dual-stack VPC. */
function build(props: Partial<AlbPrivateLinkRouterProps> = {}, options: BuildOptions = {}) {
  const app = new App({ context: options.context });
  const stack = new Stack(app, 'Test', options.agnostic ? {} : { env: ENV });
  const vpc = consumerVpc(stack, 'Consumer', 2, options.dualStackVpc ? ec2.IpProtocol.DUAL_STACK : undefined);
  const web = producer(stack, 'Web');
  const domainZone = options.zone
    ? route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' })
    : undefined;
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/web', producerVpc: web.vpc, instances: web.instances }], domainZone, ...props });
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

  test.each([elbv2.IpAddressType.DUAL_STACK, elbv2.IpAddressType.IPV4])('the IPv6 default routes of a dual-stack VPC\'s public subnets wait for the internet gateway\'s attachment (aws/aws-cdk#37853), with an ALB of type %s', (ipAddressType) => {
    const { stack, vpc } = build({ ipAddressType }, { dualStackVpc: true });
    const attachment = stack.resolve((vpc.node.findChild('VPCGW') as CfnElement).logicalId);
    const routes = Template.fromStack(stack).findResources('AWS::EC2::Route', { Properties: { DestinationIpv6CidrBlock: '::/0' } });
    expect(Object.keys(routes)).toHaveLength(2);
    for (const route of Object.values(routes)) {
      expect(route.DependsOn).toContain(attachment);
    }
  });

  test('a subnet given its IPv6 block by an AWS::EC2::SubnetCidrBlock is dual-stack, and the ALB waits for the block', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const vpc = consumerVpc(stack, 'Consumer', 2);
    const ipv6 = new ec2.CfnVPCCidrBlock(stack, 'Ipv6', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: true });
    const blocks = vpc.publicSubnets.map((subnet, index) => {
      const block = new ec2.CfnSubnetCidrBlock(stack, `SubnetIpv6${index}`, {
        subnetId: subnet.subnetId,
        ipv6CidrBlock: Fn.select(index, Fn.cidr(Fn.select(0, vpc.vpcIpv6CidrBlocks), 4, '64')),
      });
      block.addDependency(ipv6);
      return block;
    });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, ipAddressType: elbv2.IpAddressType.DUAL_STACK });
    const loadBalancer = Template.fromStack(stack).toJSON().Resources[logicalId(stack, router.loadBalancer)];
    expect(loadBalancer.DependsOn).toEqual(expect.arrayContaining(blocks.map((block) => stack.resolve(block.logicalId))));
  });

  test('IPv6-only subnets are rejected: the ALB reaches the endpoints over IPv4', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const vpc = consumerVpc(stack, 'Consumer', 2, ec2.IpProtocol.DUAL_STACK);
    (vpc.publicSubnets[1].node.defaultChild as ec2.CfnSubnet).ipv6Native = true;
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, ipAddressType: elbv2.IpAddressType.DUAL_STACK }))
      .toThrow(/^Test\/Router: loadBalancerSubnets: subnet 'Test\/Consumer\/publicSubnet2' is IPv6-only \(ipv6Native\), and the ALB needs IPv4 addresses in its subnets/);
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

describe('domainName and domainZone', () => {
  const zoneOf = (stack: Stack) => route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });

  test('request a DNS-validated certificate, make the listener HTTPS with it, and point an alias A record at the ALB', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), domainName: 'shop.example.com', domainZone: zoneOf(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'shop.example.com', ValidationMethod: 'DNS' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: { Ref: stack.resolve((router.certificate!.node.defaultChild as CfnElement).logicalId) } }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'shop.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'AAAA' }, 0);
    expect(router.httpRedirectListener).toBeDefined();
    expect(router.aliasRecord).toBeDefined();
  });

  test('with a dual-stack ALB add an alias AAAA record; given certificates come after the domain\'s', () => {
    const { stack, router } = build({ ipAddressType: elbv2.IpAddressType.DUAL_STACK, certificates: [certificate], domainName: 'example.com' }, { dualStackVpc: true, zone: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'example.com.', Type: 'AAAA' });
    expect(router.ipv6AliasRecord).toBeDefined();
    const listener = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener', { Properties: { Protocol: 'HTTPS' } }))[0];
    expect(listener.Properties.Certificates).toHaveLength(1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerCertificate', 1);
  });

  test.each<[string, Partial<AlbPrivateLinkRouterProps>, RegExp]>([
    ['a name without a zone', { domainName: 'shop.example.com' }, /^Test\/Router: domainZone: domainName 'shop.example.com' needs the public hosted zone/],
    ['a zone without a name', { domainName: undefined }, /^Test\/Router: domainName: domainZone is given without it/],
    ['a name outside the zone', { domainName: 'shop.example.org' }, /^Test\/Router: domainName: 'shop.example.org' is not in hosted zone 'example.com'/],
    ['a name longer than 64 characters', { domainName: `${'a'.repeat(60)}.example.com` }, /^Test\/Router: domainName: '.*' is not a name ACM issues a certificate for/],
    ['a name with an upper-case letter', { domainName: 'Shop.example.com' }, /^Test\/Router: domainName: 'Shop.example.com' is not a name ACM issues a certificate for/],
  ])('%s is rejected', (what, props, message) => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const domainZone = what === 'a name without a zone' ? undefined : zoneOf(stack);
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), domainZone, ...props })).toThrow(message);
  });

  test('a private hosted zone is rejected: ACM validates through public DNS', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const vpc = consumerVpc(stack, 'Consumer', 2);
    const domainZone = new route53.PrivateHostedZone(stack, 'Private', { zoneName: 'example.com', vpc });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, domainName: 'shop.example.com', domainZone }))
      .toThrow(/^Test\/Router: domainZone: 'Test\/Private' is a private hosted zone/);
  });
});

describe('mutualAuthentication', () => {
  const trustStoreArn = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:truststore/clients/0123456789abcdef';
  const verify = (stack: Stack): elbv2.MutualAuthentication => ({
    mutualAuthenticationMode: elbv2.MutualAuthenticationMode.VERIFY,
    trustStore: elbv2.TrustStore.fromTrustStoreArn(stack, 'TrustStore', trustStoreArn),
  });

  test('verify mode puts the trust store on the HTTPS listener, and none on the redirect', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), certificates: [certificate], mutualAuthentication: verify(stack) });
    const listeners = Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::Listener');
    expect(listeners[logicalId(stack, router.listener)].Properties.MutualAuthentication).toEqual({ Mode: 'verify', TrustStoreArn: trustStoreArn });
    expect(listeners[logicalId(stack, router.httpRedirectListener!)].Properties.MutualAuthentication).toBeUndefined();
  });

  test('pass-through mode works with a domain name\'s certificate', () => {
    const { stack, router } = build({
      domainName: 'shop.example.com',
      mutualAuthentication: { mutualAuthenticationMode: elbv2.MutualAuthenticationMode.PASS_THROUGH },
    }, { zone: true });
    const listener = Template.fromStack(stack).toJSON().Resources[logicalId(stack, router.listener)];
    expect(listener.Properties).toMatchObject({ Protocol: 'HTTPS', MutualAuthentication: { Mode: 'passthrough' } });
  });

  test('without HTTPS it is rejected before anything is made', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: ENV });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), mutualAuthentication: verify(stack) }))
      .toThrow(/^Test\/Router: mutualAuthentication: client certificates need an HTTPS listener, and the router has no certificates or domainName; give one of them, or leave mutualAuthentication out\.$/);
    expect(stack.node.tryFindChild('Router')?.node.children.length ?? 0).toBe(0);
  });
});
