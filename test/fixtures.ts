import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';
import * as library from '../src';
import { AddPrivateLinkRouteOptions, AlbPrivateLinkRouter, AlbPrivateLinkRouterProps } from '../src';

/** Options of `consumerStack`. */
export interface ConsumerStackOptions {
  /**
   * Put the stack in eu-west-1 (account 111111111111), whose zones are named eu-west-1a to -1c;
   * otherwise it is environment-agnostic, with two zones that are tokens.
   */
  readonly inEuWest1?: boolean;
  /** How many zones the consumer VPC spans. Default 2. */
  readonly maxAzs?: number;
}

/** A stack with a consumer VPC (public + isolated subnets) to build routers in. */
export function consumerStack(options: ConsumerStackOptions = {}): { stack: Stack; vpc: ec2.Vpc } {
  const stack = options.inEuWest1
    ? new Stack(new App({ context: { [`availability-zones:account=${EU_WEST_1.account}:region=${EU_WEST_1.region}`]: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } }),
      'Test', { env: EU_WEST_1 })
    : new Stack(new App(), 'Test');
  return { stack, vpc: consumerVpc(stack, 'Consumer', options.maxAzs ?? 2) };
}

/** A consumer VPC: public subnets for the ALB and isolated ones for the endpoints, in `maxAzs` zones; dual-stack with `ipProtocol`. */
export function consumerVpc(stack: Stack, id: string, maxAzs: number, ipProtocol?: ec2.IpProtocol): ec2.Vpc {
  return new ec2.Vpc(stack, id, {
    maxAzs,
    ipProtocol,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

const EU_WEST_1 = { account: '111111111111', region: 'eu-west-1' };

/** A producer VPC with isolated subnets only in `maxAzs` zones, and `count` instances sharing one security group. */
export function producer(stack: Stack, id: string, count = 2, maxAzs = 2):
{ vpc: ec2.Vpc; instances: ec2.Instance[]; securityGroup: ec2.SecurityGroup } {
  const vpc = new ec2.Vpc(stack, id, {
    maxAzs,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const securityGroup = new ec2.SecurityGroup(stack, `${id}InstanceSecurityGroup`, { vpc, allowAllOutbound: false });
  const instances = Array.from({ length: count }, (_, index) => new ec2.Instance(stack, `${id}Instance${index}`, {
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    securityGroup,
  }));
  return { vpc, instances, securityGroup };
}

/** A producer VPC with instances, as `producer` makes it. */
export type ProducerFixture = ReturnType<typeof producer>;

/**
 * A router in a consumer stack with the routes `routes` makes for a producer VPC `Web` of two
 * instances. The template is synthesised on first use, so tests can still add to the stack.
 */
export function buildRouter(routes: (web: ProducerFixture) => AddPrivateLinkRouteOptions[], props: Partial<AlbPrivateLinkRouterProps> = {}) {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: routes(web), ...props });
  return { stack, vpc, web, router, get template() { return Template.fromStack(stack); } };
}

/** The `GroupId` of a security group, as the template refers to it. */
export function groupIdOf(stack: Stack, group: ec2.ISecurityGroup): unknown {
  return { 'Fn::GetAtt': [logicalId(stack, group), 'GroupId'] };
}

/** The logical ID CloudFormation gives a construct's default resource. */
export function logicalId(stack: Stack, construct: IConstruct): string {
  // Through wrappers such as AwsCustomResource, whose default child is an L2 CustomResource; the
  // element's own logicalId honours overrideLogicalId, which stack.getLogicalId does not.
  let element = construct.node.defaultChild;
  while (element && !(element instanceof CfnElement)) element = element.node.defaultChild;
  return stack.resolve((element as CfnElement).logicalId);
}

/**
 * Asserts that `from` may send TCP `port` to `to` and nothing else: `to` has exactly one
 * separate ingress rule (from `from`) and `from` exactly one separate egress rule (to `to`).
 */
export function expectOnlyTcpBetween(template: Template, from: unknown, to: unknown, port: number): void {
  const tcp = { IpProtocol: 'tcp', FromPort: port, ToPort: port };
  template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { GroupId: to }, 1);
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: to, SourceSecurityGroupId: from, ...tcp });
  template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupEgress', { GroupId: from }, 1);
  template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: from, DestinationSecurityGroupId: to, ...tcp });
}

/** One security group rule of a template, inline or separate, with the logical ID of its group. */
export interface SecurityGroupRule {
  readonly group: string;
  readonly direction: 'ingress' | 'egress';
  readonly rule: Record<string, any>;
}

/** Every security group rule in a template, inline in a group or a resource of its own. */
export function securityGroupRules(template: Template): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  for (const [id, resource] of Object.entries<any>(template.toJSON().Resources)) {
    if (resource.Type === 'AWS::EC2::SecurityGroup') {
      for (const rule of resource.Properties.SecurityGroupIngress ?? []) rules.push({ group: id, direction: 'ingress', rule });
      for (const rule of resource.Properties.SecurityGroupEgress ?? []) rules.push({ group: id, direction: 'egress', rule });
    } else if (resource.Type === 'AWS::EC2::SecurityGroupIngress' || resource.Type === 'AWS::EC2::SecurityGroupEgress') {
      const direction = resource.Type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
      rules.push({ group: resource.Properties.GroupId['Fn::GetAtt'][0], direction, rule: resource.Properties });
    }
  }
  return rules;
}

/**
 * Asserts the house rules for security groups: no protocol -1; TCP only, on `allowedPorts`;
 * peers named by security group, except the world (0.0.0.0/0, ::/0) on `worldPort` of
 * `worldGroup`, and, with `identityProviderEgress`, that group's egress to any IPv4 address on 443
 * for authenticated routes. CDK's "disallow all traffic" placeholder (ICMP to 255.255.255.255/32) is the only
 * other rule allowed.
 */
export function expectLeastPrivilege(template: Template,
  options: { allowedPorts: number[]; worldGroup: string; worldPort: number; identityProviderEgress?: boolean }): void {
  const rules = securityGroupRules(template);
  expect(rules.length).toBeGreaterThan(0);
  for (const { group, direction, rule } of rules) {
    const where = `${direction} rule of ${group}: ${JSON.stringify(rule)}`;
    expect({ where, protocol: rule.IpProtocol }).not.toEqual({ where, protocol: '-1' });
    if (rule.IpProtocol === 'icmp') {
      expect({ where, cidr: rule.CidrIp }).toEqual({ where, cidr: '255.255.255.255/32' });
      continue;
    }
    expect({ where, protocol: rule.IpProtocol }).toEqual({ where, protocol: 'tcp' });
    expect({ where, samePort: rule.FromPort === rule.ToPort, allowed: options.allowedPorts.includes(rule.FromPort) })
      .toEqual({ where, samePort: true, allowed: true });
    const toIdentityProviders = options.identityProviderEgress === true && group === options.worldGroup
      && direction === 'egress' && rule.CidrIp === '0.0.0.0/0' && rule.FromPort === 443;
    if (!toIdentityProviders && (rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined)) {
      // The only other address-range rule allowed is the listener's own ingress from the world.
      expect({ where, group, port: rule.FromPort, direction, world: rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0' })
        .toEqual({ where, group: options.worldGroup, port: options.worldPort, direction: 'ingress', world: true });
    }
  }
}

/** The logical IDs a CloudFormation value refers to through Ref and Fn::GetAtt. */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return [object.Ref];
  if (Array.isArray(object['Fn::GetAtt'])) return [object['Fn::GetAtt'][0] as string];
  return Object.values(object).flatMap(referencedIds);
}

/** The packages the library imports; two copies of it share one aws-cdk-lib, as npm installs them. */
const SHARED_PACKAGES = [
  'aws-cdk-lib', 'aws-cdk-lib/aws-autoscaling', 'aws-cdk-lib/aws-cloudwatch', 'aws-cdk-lib/aws-cloudwatch-actions',
  'aws-cdk-lib/aws-ec2', 'aws-cdk-lib/aws-ecs', 'aws-cdk-lib/aws-elasticloadbalancingv2',
  'aws-cdk-lib/aws-elasticloadbalancingv2-targets', 'aws-cdk-lib/aws-iam', 'aws-cdk-lib/aws-kms', 'aws-cdk-lib/aws-lambda',
  'aws-cdk-lib/aws-s3', 'aws-cdk-lib/aws-sns', 'aws-cdk-lib/custom-resources', 'aws-cdk-lib/cx-api',
  'aws-cdk-lib/region-info', 'constructs',
];

/** A second copy of the library: its own modules (and so its own module state, if it had any). */
export function secondCopyOfTheLibrary(): typeof library {
  const shared = new Map(SHARED_PACKAGES.map((name) => [name, jest.requireActual(name)]));
  let copy: typeof library | undefined;
  jest.isolateModules(() => {
    for (const [name, module] of shared) jest.doMock(name, () => module);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../src');
  });
  for (const name of SHARED_PACKAGES) jest.dontMock(name);
  return copy!;
}

/** The ARN the imported listener of `LISTENERS` has. */
export const LISTENER_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge/0123456789abcdef/0123456789abcdef';

/** Every case runs on a listener of an ALB defined here and on one imported by ARN. */
export const LISTENERS = {
  owned: (stack: Stack, vpc: ec2.IVpc) => {
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    return alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  },
  imported: (stack: Stack) => elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Http', {
    listenerArn: LISTENER_ARN,
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbSecurityGroup', 'sg-0123456789abcdef0', { allowAllOutbound: false }),
  }),
};
