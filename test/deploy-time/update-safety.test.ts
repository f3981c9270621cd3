import { fullDiff, ResourceDifference, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  AddPrivateLinkRouteOptions, AlbPrivateLinkRouter, AlbPrivateLinkRouterProps, PrivateLinkPortOptions, PrivateLinkProducer, RouteAuthentication,
  RouterMonitoring,
} from '../../src';
import { consumerVpc, producer, referencedIds } from '../fixtures';

/*
 * What CloudFormation does with an edit of the router, judged by aws-cdk's own diff engine (the
 * one `cdk diff` uses) on the templates before and after. CloudFormation creates new and
 * replacement resources first, updates in place, and deletes what the new template dropped
 * last, so two things must hold for every edit:
 * - no listener rule is created, or moved, to a priority that a rule of the old template still
 *   holds on the same listener (ELB answers PriorityInUse and the stack rolls back);
 * - no security group rule is created under a new logical ID while the same rule still exists
 *   under its old one (EC2 answers InvalidPermission.Duplicate).
 * Each edit also states which resources it creates, replaces and removes, and which routes.
 */

const ENV = { account: '111111111111', region: 'eu-west-1' };
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** A route of the base app: a path to the instances of one producer VPC, by letter. */
interface RouteSpec extends Omit<AddPrivateLinkRouteOptions, 'producerVpc' | 'instances'> {
  readonly vpc: 'A' | 'B' | 'C';
  /** Which of the VPC's two instances serve it. Default both. */
  readonly instances?: number[];
}

interface AppSpec {
  readonly routes: RouteSpec[];
  readonly router?: Omit<AlbPrivateLinkRouterProps, 'vpc' | 'routes'>;
  /** Whether a RouterMonitoring watches the router. */
  readonly monitored?: boolean;
  /** Whether the consumer VPC has IPv6 too. */
  readonly dualStackVpc?: boolean;
  /** A name in the public zone example.com for the router's domainName. */
  readonly domainName?: string;
}

const BASE: RouteSpec[] = [
  { path: '/a', vpc: 'A' },
  { path: '/b', vpc: 'B', priority: 100 },
  { path: '/c', vpc: 'C', priority: 200 },
];

/** A stack in a fixed environment, with path metadata for `ownerOf`. */
function edgeStack(): Stack {
  const app = new App({
    context: {
      'aws:cdk:enable-path-metadata': true,
      [`availability-zones:account=${ENV.account}:region=${ENV.region}`]: ZONES,
    },
  });
  return new Stack(app, 'Edge', { env: ENV });
}

/** The template of a stack with a consumer VPC, three producer VPCs of two instances each, and a router. */
function templateOf(spec: AppSpec): Record<string, any> {
  const stack = edgeStack();
  const vpc = consumerVpc(stack, 'Consumer', 3, spec.dualStackVpc ? ec2.IpProtocol.DUAL_STACK : undefined);
  const producers = Object.fromEntries(['A', 'B', 'C'].map((letter) => [letter, producer(stack, `Web${letter}`, 2, 3)]));
  const domainZone = spec.domainName === undefined ? undefined
    : route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    domainName: spec.domainName,
    domainZone,
    ...spec.router,
    routes: spec.routes.map(({ vpc: letter, instances, ...options }) => ({
      ...options,
      producerVpc: producers[letter].vpc,
      instances: (instances ?? [0, 1]).map((index) => producers[letter].instances[index]),
    })),
  });
  if (spec.monitored) new RouterMonitoring(stack, 'Monitoring', { router });
  return Template.fromStack(stack).toJSON();
}

type Change = 'create' | 'replace' | 'update' | 'remove';

/** One resource's change, with the route (construct ID under the router) or part it belongs to. */
interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly change: Change;
  /** The route's construct ID, `router` for the router's own resources, `instances` for rules on their security groups. */
  readonly owner: string;
}

function changeOf(difference: ResourceDifference): Change | undefined {
  if (difference.isAddition) return 'create';
  if (difference.isRemoval) return 'remove';
  switch (difference.changeImpact) {
    case ResourceImpact.WILL_REPLACE:
    case ResourceImpact.MAY_REPLACE:
      return 'replace';
    case ResourceImpact.WILL_UPDATE:
      return 'update';
    default:
      // The engine knows no update behaviour of custom resource types and calls their changes
      // NO_CHANGE, but CloudFormation sends an Update whenever a property differs.
      return hasPropertyChanges(difference) ? 'update' : undefined;
  }
}

function hasPropertyChanges(difference: ResourceDifference): boolean {
  let changed = false;
  difference.forEachDifference((kind, _name, value) => {
    changed ||= kind === 'Property' && value.isDifferent;
  });
  return changed;
}

/** The route a resource belongs to, read from its construct path: `Edge/Router/<route>/...`. */
function ownerOf(resource: Record<string, any> | undefined): string {
  const path: string = resource?.Metadata?.['aws:cdk:path'] ?? '';
  const [, router, child] = path.split('/');
  // The rules that let each route's NLB in live on the instances' security groups.
  if (/^Web[ABC]InstanceSecurityGroup$/.test(router)) return 'instances';
  if (router === 'Shared') return 'producer';
  // The two producers of a weighted route's migration, and the consumer side of each.
  if (router === 'Old' || router === 'New') return `${router.toLowerCase()} producer`;
  const migrating = /^PrivateLinkEdge(Old|New)[0-9A-F]{8}$/.exec(child ?? '');
  if (router === 'Router' && migrating) return `${migrating[1].toLowerCase()} consumer`;
  // Each route's alarms, under `Route-<route>`, and the dashboard.
  if (router === 'Monitoring') {
    if (child.startsWith('Route-')) return `${child.slice('Route-'.length)} alarms`;
    return child.startsWith('TargetGroup-') ? 'shared alarms' : 'monitoring';
  }
  if (router !== 'Router') return 'other';
  // The endpoint and target groups that the routes naming one producer share.
  if (child.startsWith('PrivateLink')) return 'shared';
  return ['LoadBalancer', 'SecurityGroup', 'EndpointSecurityGroup', 'AccessLogsBucket', 'WebAclAssociation', 'Certificate', 'AliasRecord', 'Ipv6AliasRecord'].includes(child) ? 'router' : child;
}

/**
 * Every resource the update changes, as aws-cdk's diff engine classifies it, plus what the
 * engine cannot see in the templates' text: a resource that refers to a replaced resource (a new
 * physical ID), or to a custom resource that runs again (new attributes), gets those new values
 * and is updated too.
 */
function changesOf(before: Record<string, any>, after: Record<string, any>): ResourceChange[] {
  const changes = new Map<string, ResourceChange>();
  fullDiff(before, after).resources.forEachDifference((logicalId, difference) => {
    const change = changeOf(difference);
    if (change === undefined) return;
    const resource = difference.newValue ?? difference.oldValue;
    changes.set(logicalId, { logicalId, type: resource!.Type, change, owner: ownerOf(resource) });
  });
  const changesValues = (c: ResourceChange) => c.change === 'replace' || (c.change === 'update' && c.type.startsWith('Custom::'));
  let sources = [...changes.values()].filter(changesValues);
  while (sources.length > 0) {
    const sourceIds = new Set(sources.map((c) => c.logicalId));
    sources = Object.entries<any>(after.Resources)
      .filter(([logicalId, resource]) => !changes.has(logicalId) && referencedIds(resource.Properties).some((id) => sourceIds.has(id)))
      .map(([logicalId, resource]) => ({ logicalId, type: resource.Type, change: 'update' as const, owner: ownerOf(resource) }));
    sources.forEach((c) => changes.set(c.logicalId, c));
    sources = sources.filter(changesValues);
  }
  return [...changes.values()];
}

/** What each resource of `type` holds (`properties` joined: a listener's priority, a load balancer's port), by logical ID. */
function slotsOf(template: Record<string, any>, type: string, properties: string[]): Map<string, string> {
  return new Map(Object.entries<any>(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => [logicalId, JSON.stringify(properties.map((property) => resource.Properties[property]))]));
}

/**
 * Resources of `type` that the update creates, or moves, to a slot another resource of the old
 * template holds. That one is still there while CloudFormation creates and updates (it deletes
 * only at the end), unless it moves elsewhere in the same update and this one waits for it
 * (DependsOn).
 */
function slotClashesOf(before: Record<string, any>, after: Record<string, any>, type: string, properties: string[]): string[] {
  const oldSlots = slotsOf(before, type, properties);
  const newSlots = slotsOf(after, type, properties);
  const waitsFor = (logicalId: string, other: string) => [after.Resources[logicalId].DependsOn ?? []].flat().includes(other);
  return [...newSlots]
    .filter(([logicalId, slot]) => oldSlots.get(logicalId) !== slot)
    .flatMap(([logicalId, slot]) => [...oldSlots]
      .filter(([oldId, oldSlot]) => oldId !== logicalId && oldSlot === slot)
      .filter(([oldId]) => !(newSlots.has(oldId) && newSlots.get(oldId) !== slot && waitsFor(logicalId, oldId)))
      .map(([oldId]) => `${logicalId} takes ${slot} from ${oldId}`));
}

/** Listener rules put at a priority another rule of the listener holds: ELB answers PriorityInUse. */
const priorityClashesOf = (before: Record<string, any>, after: Record<string, any>) =>
  slotClashesOf(before, after, 'AWS::ElasticLoadBalancingV2::ListenerRule', ['ListenerArn', 'Priority']);

/** Listeners put on a port another listener of the load balancer holds: ELB answers DuplicateListener. */
const listenerPortClashesOf = (before: Record<string, any>, after: Record<string, any>) =>
  slotClashesOf(before, after, 'AWS::ElasticLoadBalancingV2::Listener', ['LoadBalancerArn', 'Port']);

const SECURITY_GROUP_RULE_TYPES = ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'];

/** A security group rule as EC2 identifies it: group, protocol, ports and peer (not its description). */
function ruleIdentityOf(resource: Record<string, any>): string {
  const { Description: _description, ...identity } = resource.Properties;
  return JSON.stringify([resource.Type, Object.entries(identity).sort(([a], [b]) => a.localeCompare(b))]);
}

/**
 * Security group rules the update creates under a new logical ID while the same rule of the old
 * template, under another logical ID, still exists: EC2 refuses a duplicate rule.
 */
function duplicateSecurityGroupRulesOf(before: Record<string, any>, after: Record<string, any>): string[] {
  const rulesOf = (template: Record<string, any>) => Object.entries<any>(template.Resources)
    .filter(([, resource]) => SECURITY_GROUP_RULE_TYPES.includes(resource.Type));
  const oldRules = rulesOf(before);
  return rulesOf(after)
    .filter(([logicalId]) => before.Resources[logicalId] === undefined)
    .flatMap(([logicalId, resource]) => oldRules
      .filter(([oldId, oldResource]) => after.Resources[oldId] === undefined && ruleIdentityOf(oldResource) === ruleIdentityOf(resource))
      .map(([oldId]) => `${logicalId} duplicates ${oldId}`));
}

/** `<owner> <change> <type>` lines, sorted and unique: what an edit does, for the table below. */
function summaryOf(changes: ResourceChange[]): string[] {
  return [...new Set(changes.map((c) => `${c.owner} ${c.change} ${c.type.replace(/^AWS::|^Custom::/, '')}`))].sort();
}

const before = templateOf({ routes: BASE });
const certificate = elbv2.ListenerCertificate.fromArn(`arn:aws:acm:${ENV.region}:${ENV.account}:certificate/abc`);

/** What a route that creates its producer is made of, apart from its listener rule. */
const PRODUCER = ['EC2::SecurityGroup', 'EC2::SecurityGroupEgress', 'EC2::VPCEndpointService', 'EC2::VPCEndpointServicePermissions',
  'ElasticLoadBalancingV2::Listener', 'ElasticLoadBalancingV2::LoadBalancer', 'ElasticLoadBalancingV2::TargetGroup'];
const CONSUMER = ['EC2::VPCEndpoint', 'ElasticLoadBalancingV2::TargetGroup', 'EndpointIpAddresses'];

/** `<owner> <change> <type>` for each type. */
const each = (owner: string, change: Change, types: string[]) => types.map((type) => `${owner} ${change} ${type}`);
/** A route's resources, without its listener rule, all created or all removed; its NLB's rule on the instances too. */
const wholeRoute = (route: string, change: 'create' | 'remove') => [
  ...each(route, change, [...PRODUCER, ...CONSUMER]),
  `instances ${change} EC2::SecurityGroupIngress`,
];

/** Every edit of one route, or of the router, and what it changes. */
const EDITS: Array<{ edit: string; after: AppSpec; changes: string[] }> = [
  {
    edit: 'add a route',
    after: { routes: [...BASE, { path: '/d', vpc: 'A' }] },
    changes: [...wholeRoute('d', 'create'), 'd create ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    edit: 'remove a route',
    after: { routes: [BASE[0], BASE[2]] },
    changes: [...wholeRoute('b', 'remove'), 'b remove ElasticLoadBalancingV2::ListenerRule'],
  },
  { edit: 'reorder the routes', after: { routes: [BASE[2], BASE[0], BASE[1]] }, changes: [] },
  {
    // The route's resources move to new logical IDs (created first, the old ones removed last);
    // its rule keeps its priority and so its logical ID, and now forwards to the new group.
    edit: 'rename a route (id)',
    after: { routes: [{ ...BASE[0], id: 'alpha' }, BASE[1], BASE[2]] },
    changes: [...wholeRoute('a', 'remove'), ...wholeRoute('alpha', 'create'), 'alpha update ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    // A derived priority follows the path, so the rule moves to a priority no rule holds.
    edit: 'change the path of a route with a derived priority',
    after: { routes: [{ ...BASE[0], path: '/alpha', id: 'a' }, BASE[1], BASE[2]] },
    changes: each('a', 'create', ['ElasticLoadBalancingV2::ListenerRule']).concat(each('a', 'remove', ['ElasticLoadBalancingV2::ListenerRule'])),
  },
  {
    edit: 'change the path of a route with an explicit priority',
    after: { routes: [BASE[0], { ...BASE[1], path: '/bee', id: 'b' }, BASE[2]] },
    changes: ['b update ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    edit: 'change the path, and so the derived id, of a route with an explicit priority',
    after: { routes: [BASE[0], { ...BASE[1], path: '/bee' }, BASE[2]] },
    changes: [...wholeRoute('b', 'remove'), ...wholeRoute('bee', 'create'), 'bee update ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    edit: 'add hosts to a route',
    after: { routes: [BASE[0], { ...BASE[1], hosts: ['api.example.com'], id: 'b' }, BASE[2]] },
    changes: ['b update ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    edit: 'change the priority of a route',
    after: { routes: [BASE[0], { ...BASE[1], priority: 150 }, BASE[2]] },
    changes: ['b create ElasticLoadBalancingV2::ListenerRule', 'b remove ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    // Each priority's rule stays and changes what it matches and where it forwards.
    edit: 'swap the priorities of two routes',
    after: { routes: [BASE[0], { ...BASE[1], priority: 200 }, { ...BASE[2], priority: 100 }] },
    changes: ['b update ElasticLoadBalancingV2::ListenerRule', 'c update ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    edit: 'remove a route and give its priority to a new route in the same deploy',
    after: { routes: [BASE[0], BASE[2], { path: '/d', vpc: 'B', priority: 100 }] },
    changes: [...wholeRoute('b', 'remove'), ...wholeRoute('d', 'create'), 'd update ElasticLoadBalancingV2::ListenerRule'],
  },
  {
    edit: 'serve a route from one instance fewer',
    after: { routes: [{ ...BASE[0], instances: [0] }, BASE[1], BASE[2]] },
    changes: ['a update ElasticLoadBalancingV2::TargetGroup'],
  },
  {
    // A load balancer cannot change VPC: a new producer is built beside the old one, and the
    // endpoint, whose service changes, is replaced (a new one first).
    edit: 'move a route to instances in another VPC',
    after: { routes: [{ ...BASE[0], vpc: 'C' }, BASE[1], BASE[2]] },
    changes: [
      ...each('a', 'create', PRODUCER), ...each('a', 'remove', PRODUCER),
      'instances create EC2::SecurityGroupIngress', 'instances remove EC2::SecurityGroupIngress',
      'a replace EC2::VPCEndpoint', 'a update EndpointIpAddresses', 'a update ElasticLoadBalancingV2::TargetGroup',
    ],
  },
  {
    // A new endpoint in the new subnets is created and registered before the old one goes.
    edit: 'move every endpoint to other subnets',
    after: { routes: BASE, router: { endpointSubnets: { availabilityZones: ZONES.slice(0, 2) } } },
    changes: ['a', 'b', 'c'].flatMap((route) => [
      `${route} create EC2::VPCEndpoint`, `${route} remove EC2::VPCEndpoint`,
      `${route} update ElasticLoadBalancingV2::TargetGroup`, `${route} update EndpointIpAddresses`,
    ]),
  },
  {
    // The listener keeps its logical ID, so the rules that refer to it stay.
    edit: 'turn on HTTPS',
    after: { routes: BASE, router: { certificates: [certificate] } },
    changes: ['router update EC2::SecurityGroup', 'router create ElasticLoadBalancingV2::Listener', 'router update ElasticLoadBalancingV2::Listener'],
  },
  {
    edit: 'turn on access logs',
    after: { routes: BASE, router: { accessLogs: true } },
    changes: ['router create S3::Bucket', 'router create S3::BucketPolicy', 'router update ElasticLoadBalancingV2::LoadBalancer'],
  },
];

describe.each(EDITS)('$edit', ({ after: spec, changes: expected }) => {
  const after = templateOf(spec);
  const changes = changesOf(before, after);

  test('creates, replaces, updates and removes exactly these resources', () => {
    expect(summaryOf(changes)).toEqual([...new Set(expected)].sort());
  });

  test('never puts two rules of one listener at one priority', () => {
    expect(priorityClashesOf(before, after)).toEqual([]);
  });

  test('never puts two listeners of one load balancer on one port', () => {
    expect(listenerPortClashesOf(before, after)).toEqual([]);
  });

  test('never creates a security group rule that still exists under another logical ID', () => {
    expect(duplicateSecurityGroupRulesOf(before, after)).toEqual([]);
  });

  test('never replaces a listener rule, so none is ever recreated at its own priority', () => {
    expect(changes.filter((c) => c.type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && c.change === 'replace')).toEqual([]);
  });
});

describe('the front door: a web ACL and IPv6 clients, turned on, changed and off', () => {
  const webAclArn = (name: string) => `arn:aws:wafv2:${ENV.region}:${ENV.account}:regional/webacl/${name}/a1b2c3d4-5678-90ab-cdef-0123456789ab`;
  const withAcl = templateOf({ routes: BASE, router: { webAclArn: webAclArn('edge') } });

  test('a web ACL adds its association only, and removing it removes only that', () => {
    expect(summaryOf(changesOf(before, withAcl))).toEqual(['router create WAFv2::WebACLAssociation']);
    expect(summaryOf(changesOf(withAcl, before))).toEqual(['router remove WAFv2::WebACLAssociation']);
  });

  test('another web ACL replaces the association only (CloudFormation makes the new one first)', () => {
    const other = templateOf({ routes: BASE, router: { webAclArn: webAclArn('stricter') } });
    expect(summaryOf(changesOf(withAcl, other))).toEqual(['router replace WAFv2::WebACLAssociation']);
  });

  const dualStack = (ipAddressType?: elbv2.IpAddressType) => templateOf({ routes: BASE, dualStackVpc: true, router: { ipAddressType } });
  const ipv4Only = dualStack();
  const dual = dualStack(elbv2.IpAddressType.DUAL_STACK);
  const withoutPublicIpv4 = dualStack(elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4);

  test('IPv6 clients on or off update the ALB and its security group in place, and nothing else', () => {
    const inPlace = ['router update EC2::SecurityGroup', 'router update ElasticLoadBalancingV2::LoadBalancer'];
    expect(summaryOf(changesOf(ipv4Only, dual))).toEqual(inPlace);
    expect(summaryOf(changesOf(dual, ipv4Only))).toEqual(inPlace);
  });

  test('dropping the public IPv4 addresses, and taking them back, updates the ALB only', () => {
    expect(summaryOf(changesOf(dual, withoutPublicIpv4))).toEqual(['router update ElasticLoadBalancingV2::LoadBalancer']);
    expect(summaryOf(changesOf(withoutPublicIpv4, dual))).toEqual(['router update ElasticLoadBalancingV2::LoadBalancer']);
  });
});

describe('the front door: a domain name, turned on, changed and off', () => {
  const named = (domainName: string, spec: Partial<AppSpec> = {}) => templateOf({ routes: BASE, domainName, ...spec });
  const shop = named('shop.example.com');
  const domainParts = ['router create CertificateManager::Certificate', 'router create Route53::RecordSet'];

  test('a domain name adds its certificate and record, and makes the listener HTTPS in place, as certificates do', () => {
    expect(summaryOf(changesOf(before, shop))).toEqual([...domainParts, 'router update EC2::SecurityGroup',
      'router create ElasticLoadBalancingV2::Listener', 'router update ElasticLoadBalancingV2::Listener'].sort());
    expect(listenerPortClashesOf(before, shop)).toEqual([]);
  });

  test('a dual-stack router adds an AAAA record as well', () => {
    const dual = { dualStackVpc: true, router: { ipAddressType: elbv2.IpAddressType.DUAL_STACK } };
    const records = Object.values<any>(named('shop.example.com', dual).Resources).filter((r) => r.Type === 'AWS::Route53::RecordSet');
    expect(records.map((r) => r.Properties.Type).sort()).toEqual(['A', 'AAAA']);
  });

  test('routes added and removed leave the certificate and the record alone', () => {
    const fewer = named('shop.example.com', { routes: BASE.slice(1) });
    const more = named('shop.example.com', { routes: [...BASE, { path: '/d', vpc: 'A', priority: 300 }] });
    for (const after of [fewer, more]) {
      expect(changesOf(shop, after).filter((c) => c.owner === 'router')).toEqual([]);
    }
  });

  test('another name replaces the certificate and the record, and updates the listener to the new certificate', () => {
    const changes = summaryOf(changesOf(shop, named('store.example.com')));
    expect(changes).toEqual(['router replace CertificateManager::Certificate', 'router replace Route53::RecordSet',
      'router update ElasticLoadBalancingV2::Listener'].sort());
  });

  test('taking the name away removes its certificate and record, and needs the two deploys that turning HTTPS off does', () => {
    expect(summaryOf(changesOf(shop, before)).filter((c) => !c.startsWith('router update') && !c.includes('Listener')))
      .toEqual(domainParts.map((c) => c.replace('create', 'remove')));
    expect(listenerPortClashesOf(shop, before)).toHaveLength(1);
    const withoutRedirect = named('shop.example.com', { router: { redirectHttp: false } });
    expect(listenerPortClashesOf(withoutRedirect, before)).toEqual([]);
  });
});

describe('the front door: client certificates, turned on and off', () => {
  const https = templateOf({ routes: BASE, router: { certificates: [certificate] } });
  const passThrough = templateOf({
    routes: BASE,
    router: { certificates: [certificate], mutualAuthentication: { mutualAuthenticationMode: elbv2.MutualAuthenticationMode.PASS_THROUGH } },
  });

  test('update the HTTPS listener in place, and nothing else', () => {
    expect(summaryOf(changesOf(https, passThrough))).toEqual(['router update ElasticLoadBalancingV2::Listener']);
    expect(summaryOf(changesOf(passThrough, https))).toEqual(['router update ElasticLoadBalancingV2::Listener']);
  });
});

describe('the front door: authentication on a route, turned on, changed and off', () => {
  const jwt = (issuer: string) => RouteAuthentication.jwt({ issuer, jwksEndpoint: `${issuer}/.well-known/jwks.json` });
  const withAuthentication = (authentication?: RouteAuthentication) => templateOf({
    routes: [BASE[0], { ...BASE[1], authentication }, BASE[2]],
    router: { certificates: [certificate] },
  });
  const open = withAuthentication();
  const authenticated = withAuthentication(jwt('https://issuer.example.com'));
  const egress = 'router update EC2::SecurityGroup';

  test('authentication updates the route\'s rule in place, and opens the ALB to the identity provider', () => {
    expect(summaryOf(changesOf(open, authenticated))).toEqual([egress, 'b update ElasticLoadBalancingV2::ListenerRule'].sort());
    expect(priorityClashesOf(open, authenticated)).toEqual([]);
  });

  test('other settings update the rule in place only', () => {
    expect(summaryOf(changesOf(authenticated, withAuthentication(jwt('https://other.example.com')))))
      .toEqual(['b update ElasticLoadBalancingV2::ListenerRule']);
    const oidc = RouteAuthentication.oidc({
      issuer: 'https://idp.example.com',
      authorizationEndpoint: 'https://idp.example.com/authorize',
      tokenEndpoint: 'https://idp.example.com/token',
      userInfoEndpoint: 'https://idp.example.com/userinfo',
      clientId: 'router',
      clientSecret: SecretValue.unsafePlainText('not-a-secret'),
    });
    expect(summaryOf(changesOf(authenticated, withAuthentication(oidc)))).toEqual(['b update ElasticLoadBalancingV2::ListenerRule']);
  });

  test('taking it away updates the rule in place, and closes the ALB to the identity provider', () => {
    expect(summaryOf(changesOf(authenticated, open))).toEqual([egress, 'b update ElasticLoadBalancingV2::ListenerRule'].sort());
  });
});

describe('turning HTTPS off', () => {
  const https = templateOf({ routes: BASE, router: { certificates: [certificate] } });

  test('in one deploy would move the listener to port 80 while the redirect still holds it', () => {
    expect(listenerPortClashesOf(https, before)).toEqual([expect.stringMatching(/^RouterLoadBalancerListener\w+ takes .*,80\] from RouterLoadBalancerHttpRedirect\w+$/)]);
  });

  test('in two deploys, first without the redirect, then without certificates, moves nothing onto a held port', () => {
    const withoutRedirect = templateOf({ routes: BASE, router: { certificates: [certificate], redirectHttp: false } });
    expect(listenerPortClashesOf(https, withoutRedirect)).toEqual([]);
    expect(listenerPortClashesOf(withoutRedirect, before)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  test('a rule under a new logical ID at a priority the old template holds is a clash', () => {
    const after = JSON.parse(JSON.stringify(before));
    const [ruleId, rule] = Object.entries<any>(after.Resources).find(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')!;
    delete after.Resources[ruleId];
    after.Resources.RenamedRule = rule;
    expect(priorityClashesOf(before, after)).toEqual([expect.stringMatching(new RegExp(`^RenamedRule takes .* from ${ruleId}$`))]);
  });

  test('a security group rule moved to a new logical ID is a duplicate', () => {
    const after = JSON.parse(JSON.stringify(before));
    const [ruleId, rule] = Object.entries<any>(after.Resources).find(([, r]) => r.Type === 'AWS::EC2::SecurityGroupIngress')!;
    delete after.Resources[ruleId];
    after.Resources.MovedIngress = { ...rule, Properties: { ...rule.Properties, Description: 'another description' } };
    expect(duplicateSecurityGroupRulesOf(before, after)).toEqual([`MovedIngress duplicates ${ruleId}`]);
  });
});

/**
 * The template of a stack with a consumer VPC, one producer `Shared` in VPC A serving `ports`
 * (the first its own, the others added with addPort), and a router with `routes` to it.
 */
function sharedProducerTemplateOf(ports: number[], routes: Array<[string, number]>, monitored = false): Record<string, any> {
  const stack = edgeStack();
  const vpc = consumerVpc(stack, 'Consumer', 3);
  const web = producer(stack, 'WebA', 2, 3);
  const [port, ...additionalPorts] = ports;
  const shared = new PrivateLinkProducer(stack, 'Shared', { vpc: web.vpc, instances: web.instances, port });
  for (const additional of additionalPorts) shared.addPort(additional, { instances: web.instances });
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: routes.map(([path, routePort]) => ({ path, producer: shared, port: routePort })) });
  if (monitored) new RouterMonitoring(stack, 'Monitoring', { router });
  return Template.fromStack(stack).toJSON();
}

describe('a producer serving several ports', () => {
  const onePort = sharedProducerTemplateOf([8080], [['/orders', 8080]]);
  const twoPorts = sharedProducerTemplateOf([8080, 9090], [['/orders', 8080], ['/billing', 9090]]);

  const SHARED_EDITS: Array<{ edit: string; before: Record<string, any>; after: Record<string, any>; changes: string[] }> = [
    {
      // The new port's listener, target group and rules come beside the first port's; the
      // endpoint and its lookup stay, since an endpoint reaches every port of its service.
      edit: 'add a port and a route to it',
      before: onePort,
      after: twoPorts,
      changes: [
        'producer create ElasticLoadBalancingV2::Listener', 'producer create ElasticLoadBalancingV2::TargetGroup',
        'producer create EC2::SecurityGroupEgress', 'instances create EC2::SecurityGroupIngress',
        'shared create ElasticLoadBalancingV2::TargetGroup', 'router create EC2::SecurityGroupIngress', 'router create EC2::SecurityGroupEgress',
        'billing create ElasticLoadBalancingV2::ListenerRule',
      ],
    },
    {
      edit: 'remove the route to the first port, keeping the port',
      before: twoPorts,
      after: sharedProducerTemplateOf([8080, 9090], [['/billing', 9090]]),
      changes: [
        'shared remove ElasticLoadBalancingV2::TargetGroup', 'router remove EC2::SecurityGroupIngress', 'router remove EC2::SecurityGroupEgress',
        'orders remove ElasticLoadBalancingV2::ListenerRule',
      ],
    },
    {
      edit: 'remove the added port and its route',
      before: twoPorts,
      after: onePort,
      changes: [
        'producer remove ElasticLoadBalancingV2::Listener', 'producer remove ElasticLoadBalancingV2::TargetGroup',
        'producer remove EC2::SecurityGroupEgress', 'instances remove EC2::SecurityGroupIngress',
        'shared remove ElasticLoadBalancingV2::TargetGroup', 'router remove EC2::SecurityGroupIngress', 'router remove EC2::SecurityGroupEgress',
        'billing remove ElasticLoadBalancingV2::ListenerRule',
      ],
    },
  ];

  test('trading the producer\'s own port with an added one would put two listeners on one port, so the README warns against it', () => {
    const traded = sharedProducerTemplateOf([9090, 8080], [['/orders', 8080], ['/billing', 9090]]);
    expect(listenerPortClashesOf(twoPorts, traded)).toEqual([
      expect.stringMatching(/^SharedLoadBalancerListener\w+ takes .*,9090\] from SharedPort9090Listener\w+$/),
      expect.stringMatching(/^SharedPort8080Listener\w+ takes .*,8080\] from SharedLoadBalancerListener\w+$/),
    ]);
  });

  test.each<[string, Array<[string, number]>, string[]]>([
    // The alarms of the shared group stay; only their descriptions, which list the routes, change.
    ['add a route to a port another route reaches', [['/orders', 8080], ['/billing', 9090], ['/guide', 8080]],
      ['guide create ElasticLoadBalancingV2::ListenerRule', 'shared alarms update CloudWatch::Alarm', 'monitoring update CloudWatch::Dashboard']],
    ['remove the route to one port', [['/billing', 9090]],
      ['orders remove ElasticLoadBalancingV2::ListenerRule', 'shared remove ElasticLoadBalancingV2::TargetGroup', 'router remove EC2::SecurityGroupIngress',
        'router remove EC2::SecurityGroupEgress', 'shared alarms remove CloudWatch::Alarm', 'monitoring update CloudWatch::Dashboard']],
    ['reorder the routes', [['/billing', 9090], ['/orders', 8080]], ['monitoring update CloudWatch::Dashboard']],
  ])('monitored: %s replaces no alarm, and keeps the other port\'s alarms', (_edit, routes, expected) => {
    const monitored = sharedProducerTemplateOf([8080, 9090], [['/orders', 8080], ['/billing', 9090]], true);
    const changes = changesOf(monitored, sharedProducerTemplateOf([8080, 9090], routes, true));
    expect(summaryOf(changes)).toEqual([...expected].sort());
    expect(changes.filter((c) => c.type === 'AWS::CloudWatch::Alarm' && c.change === 'replace')).toEqual([]);
  });

  describe.each(SHARED_EDITS)('$edit', ({ before: old, after, changes: expected }) => {
    test('creates and removes exactly these resources, and replaces none', () => {
      expect(summaryOf(changesOf(old, after))).toEqual([...expected].sort());
    });

    test('never puts two listeners of the load balancer on one port, nor two rules at one priority', () => {
      expect(listenerPortClashesOf(old, after)).toEqual([]);
      expect(priorityClashesOf(old, after)).toEqual([]);
    });

    test('never creates a security group rule that still exists under another logical ID', () => {
      expect(duplicateSecurityGroupRulesOf(old, after)).toEqual([]);
    });
  });
});

/**
 * The template of a stack with an HTTPS router and a producer `Shared` whose port 8080 serves as
 * `served` says, with routes `/orders` to it and `/billing` to its port 9090 (HTTP); with
 * `https8443`, the producer also serves HTTPS on 8443 and `/orders` spreads over both ports by
 * `weights`.
 */
function protocolTemplateOf(served: Pick<PrivateLinkPortOptions, 'targetProtocol' | 'protocolVersion'>, weights?: [number, number]): Record<string, any> {
  const stack = edgeStack();
  const vpc = consumerVpc(stack, 'Consumer', 3);
  const web = producer(stack, 'WebA', 2, 3);
  const shared = new PrivateLinkProducer(stack, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8080, ...served });
  shared.addPort(9090, { instances: web.instances });
  if (weights) shared.addPort(8443, { instances: web.instances, targetProtocol: elbv2.ApplicationProtocol.HTTPS });
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    certificates: [certificate],
    routes: [
      weights
        ? { path: '/orders', producers: [{ producer: shared, weight: weights[0] }, { producer: shared, port: 8443, weight: weights[1] }] }
        : { path: '/orders', producer: shared },
      { path: '/billing', producer: shared, port: 9090 },
    ],
  });
  return Template.fromStack(stack).toJSON();
}

describe('a port\'s target protocol', () => {
  const http = protocolTemplateOf({});

  test.each<[string, Pick<PrivateLinkPortOptions, 'targetProtocol' | 'protocolVersion'>]>([
    ['to HTTPS', { targetProtocol: elbv2.ApplicationProtocol.HTTPS }],
    ['to HTTPS and HTTP/2', { targetProtocol: elbv2.ApplicationProtocol.HTTPS, protocolVersion: elbv2.ApplicationProtocolVersion.HTTP2 }],
  ])('changed %s replaces that port\'s ALB target group only, and points its rule at the new one: the NLB, the endpoint and the other port stay',
    (_change, served) => {
      expect(summaryOf(changesOf(http, protocolTemplateOf(served))))
        .toEqual(['orders update ElasticLoadBalancingV2::ListenerRule', 'shared replace ElasticLoadBalancingV2::TargetGroup']);
    });

  test('moved without a gap, by a second port at weight 0, then the weights, creates and removes but replaces nothing', () => {
    const standby = protocolTemplateOf({}, [100, 0]);
    const shifted = protocolTemplateOf({}, [0, 100]);
    for (const [from, to] of [[http, standby], [standby, shifted]]) {
      expect(changesOf(from, to).filter((c) => c.change === 'replace')).toEqual([]);
      expect(priorityClashesOf(from, to)).toEqual([]);
      expect(listenerPortClashesOf(from, to)).toEqual([]);
      expect(duplicateSecurityGroupRulesOf(from, to)).toEqual([]);
    }
    expect(summaryOf(changesOf(standby, shifted))).toEqual(['orders update ElasticLoadBalancingV2::ListenerRule']);
  });
});

/**
 * The template of a stack with a consumer VPC, producers `Old` (in VPC A) and `New` (in VPC B)
 * of one service on port 8080, and a router with a route `/orders` to them as `orders` says,
 * beside a route `/c` to VPC C.
 */
function migrationTemplateOf(orders: (old: PrivateLinkProducer, next: PrivateLinkProducer) => Omit<AddPrivateLinkRouteOptions, 'path'>,
  monitored = false): Record<string, any> {
  const stack = edgeStack();
  const vpc = consumerVpc(stack, 'Consumer', 3);
  const [webA, webB, webC] = ['A', 'B', 'C'].map((letter) => producer(stack, `Web${letter}`, 2, 3));
  const old = new PrivateLinkProducer(stack, 'Old', { vpc: webA.vpc, instances: webA.instances, port: 8080 });
  const next = new PrivateLinkProducer(stack, 'New', { vpc: webB.vpc, instances: webB.instances, port: 8080 });
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: [{ path: '/orders', ...orders(old, next) }, { path: '/c', producerVpc: webC.vpc, instances: webC.instances, priority: 200 }],
  });
  if (monitored) new RouterMonitoring(stack, 'Monitoring', { router });
  return Template.fromStack(stack).toJSON();
}

describe('a weighted route: moving a service to another producer without a gap', () => {
  const single = migrationTemplateOf((old) => ({ producer: old }));
  const standby = migrationTemplateOf((old, next) => ({ producers: [{ producer: old, weight: 100 }, { producer: next, weight: 0 }] }));
  const shifted = migrationTemplateOf((old, next) => ({ producers: [{ producer: old, weight: 0 }, { producer: next, weight: 100 }] }));
  const newOnly = migrationTemplateOf((_old, next) => ({ producers: [{ producer: next, weight: 100 }] }));
  const done = migrationTemplateOf((_old, next) => ({ producer: next }));
  const rule = 'orders update ElasticLoadBalancingV2::ListenerRule';

  const STEPS: Array<{ step: string; before: Record<string, any>; after: Record<string, any>; changes: string[] }> = [
    {
      // The old producer keeps its endpoint, lookup and target group, whose logical IDs name the
      // producer; the endpoints share the router's security group and the port, so its rules stay.
      step: 'add the new producer at weight 0',
      before: single,
      after: standby,
      changes: [...each('new consumer', 'create', CONSUMER), rule],
    },
    { step: 'shift the weights', before: standby, after: shifted, changes: [rule] },
    { step: 'remove the old producer', before: shifted, after: newOnly, changes: [...each('old consumer', 'remove', CONSUMER), rule] },
    { step: 'go back to a single producer', before: newOnly, after: done, changes: [rule] },
    {
      step: 'keep clients on their producer for an hour',
      before: standby,
      after: migrationTemplateOf((old, next) => ({
        producers: [{ producer: old, weight: 100 }, { producer: next, weight: 0 }],
        stickinessDuration: Duration.hours(1),
      })),
      changes: [rule],
    },
  ];

  test.each<[string, (old: PrivateLinkProducer, next: PrivateLinkProducer) => Omit<AddPrivateLinkRouteOptions, 'path'>,
    (old: PrivateLinkProducer, next: PrivateLinkProducer) => Omit<AddPrivateLinkRouteOptions, 'path'>, string[]]>([
    // The old producer's alarms stay; the new one's come, quiet while it is on standby.
      ['add the new producer at weight 0', (old) => ({ producer: old }),
        (old, next) => ({ producers: [{ producer: old, weight: 100 }, { producer: next, weight: 0 }] }),
        [...each('new consumer', 'create', CONSUMER), rule, 'shared alarms create CloudWatch::Alarm', 'monitoring update CloudWatch::Dashboard']],
      // Its alarms start to notify, and the old producer's stop: both in place.
      ['shift the weights', (old, next) => ({ producers: [{ producer: old, weight: 100 }, { producer: next, weight: 0 }] }),
        (old, next) => ({ producers: [{ producer: old, weight: 0 }, { producer: next, weight: 100 }] }),
        [rule, 'shared alarms update CloudWatch::Alarm', 'monitoring update CloudWatch::Dashboard']],
    ])('monitored: %s replaces no alarm', (_step, from, to, expected) => {
      const changes = changesOf(migrationTemplateOf(from, true), migrationTemplateOf(to, true));
      expect(summaryOf(changes)).toEqual([...expected].sort());
      expect(changes.filter((c) => c.type === 'AWS::CloudWatch::Alarm' && c.change === 'replace')).toEqual([]);
    });

  describe.each(STEPS)('$step', ({ before: old, after, changes: expected }) => {
    test('creates, updates and removes exactly these resources, and replaces none', () => {
      expect(summaryOf(changesOf(old, after))).toEqual([...expected].sort());
    });

    test('never puts two rules of the listener at one priority, nor duplicates a security group rule', () => {
      expect(priorityClashesOf(old, after)).toEqual([]);
      expect(duplicateSecurityGroupRulesOf(old, after)).toEqual([]);
    });
  });
});

describe('a monitored router', () => {
  const monitored = templateOf({ routes: BASE, monitored: true });
  const alarms = (route: string, change: Change) => [`${route} alarms ${change} CloudWatch::Alarm`];

  test.each<[string, RouteSpec[], string[], number]>([
    ['add a route', [...BASE, { path: '/d', vpc: 'A' }],
      [...wholeRoute('d', 'create'), 'd create ElasticLoadBalancingV2::ListenerRule', ...alarms('d', 'create'), 'monitoring update CloudWatch::Dashboard'], 3],
    ['remove a route', [BASE[0], BASE[2]],
      [...wholeRoute('b', 'remove'), 'b remove ElasticLoadBalancingV2::ListenerRule', ...alarms('b', 'remove'), 'monitoring update CloudWatch::Dashboard'], 3],
    // The dashboard lists the routes in the router's order, so it changes; no alarm does.
    ['reorder the routes', [BASE[2], BASE[0], BASE[1]], ['monitoring update CloudWatch::Dashboard'], 0],
  ])('%s: the other routes\' alarms stay, and the dashboard is updated in place', (_edit, routes, expected, alarmsChanged) => {
    const changes = changesOf(monitored, templateOf({ routes, monitored: true }));
    expect(summaryOf(changes)).toEqual([...new Set(expected)].sort());
    expect(changes.filter((c) => c.type === 'AWS::CloudWatch::Alarm')).toHaveLength(alarmsChanged);
  });

  test('turning monitoring on creates alarms and a dashboard, and changes nothing of the routes', () => {
    expect(summaryOf(changesOf(before, monitored))).toEqual(
      [...['a', 'b', 'c'].flatMap((route) => alarms(route, 'create')), 'monitoring create CloudWatch::Dashboard'].sort());
  });
});
