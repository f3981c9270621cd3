import { createHash } from 'crypto';
import { Duration, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';
import type { PrivateLinkProducer } from './private-link-producer';

/**
 * One route of an `AlbPrivateLinkRouter`: requests whose path matches `path` (and whose host
 * matches `hosts`, if given) are forwarded over AWS PrivateLink to `instances` in `producerVpc`,
 * or to an existing `producer`.
 */
export interface PrivateLinkRouteOptions {
  /**
   * The path the route serves.
   *
   * A plain path is a prefix: `/vpc2` matches `/vpc2` and everything under `/vpc2/`.
   * A path containing `*` or `?` is used verbatim as an ALB path pattern (`*` matches any
   * characters, `?` exactly one); matching is case-sensitive.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
   * @default '/': every path (of `hosts`, if given)
   */
  readonly path?: string;

  /**
   * The host names the route serves, matched against the request's Host header: for example
   * `api.example.com`, or `*.example.com` (`*` matches any characters, `?` exactly one).
   * Matching is case-insensitive. A request must match one of the hosts and the path. Routes
   * with hosts are evaluated before routes without.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
   * @default - any host
   */
  readonly hosts?: string[];

  /**
   * Whether the ALB removes the route's path prefix before forwarding, so that the service can
   * serve at `/`: with path `/api`, a request for `/api/users?page=2` reaches the service as
   * `/users?page=2`, and `/api` as `/`. Uses an ALB URL-rewrite transform. Only for a plain
   * prefix path (no `*` or `?`), other than `/`.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-transforms.html
   * @default false
   */
  readonly stripPathPrefix?: boolean;

  /**
   * The VPC the instances run in. The route creates its own `PrivateLinkProducer` (Network Load
   * Balancer and endpoint service) in it. Give `producerVpc` with `instances`,
   * `autoScalingGroups` or `ipAddresses`; or, instead, `producer` or `endpointServiceName`.
   *
   * @default - none: `producer` or `endpointServiceName` is given
   */
  readonly producerVpc?: ec2.IVpc;

  /**
   * The instances that serve the route, registered as targets of the producer's Network Load
   * Balancer. Their security groups are opened on `port` to that load balancer only.
   *
   * @default - none: `autoScalingGroups`, `ipAddresses`, `producer` or `endpointServiceName` is given
   */
  readonly instances?: ec2.IInstance[];

  /**
   * Auto Scaling groups that serve the route, in `producerVpc`; see
   * `PrivateLinkProducerProps.autoScalingGroups`.
   *
   * @default - none
   */
  readonly autoScalingGroups?: autoscaling.AutoScalingGroup[];

  /**
   * Private IPv4 addresses in `producerVpc` that serve the route; see
   * `PrivateLinkProducerProps.ipAddresses`.
   *
   * @default - none
   */
  readonly ipAddresses?: string[];

  /**
   * The service name of an existing VPC endpoint service to route to, for example one in
   * another account (`com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`), offered on
   * `port`. Its owner must allow this account as a principal and accept the connection (or not
   * require acceptance), and offer it in the zones of the endpoint subnets. Routes naming the
   * same service and port share one interface endpoint and ALB target group.
   *
   * @default - none: the route creates a producer or names one
   */
  readonly endpointServiceName?: string;

  /**
   * How the route's target groups check the service; see `PrivateLinkProducerProps.healthCheck`.
   * For a route to an existing `producer`, set it on the producer.
   *
   * @default - the NLB checks a TCP connection; the ALB checks HTTP `GET /` and expects 200
   */
  readonly healthCheck?: elbv2.HealthCheck;

  /**
   * How long the route's target groups let requests to a deregistering target finish. For a
   * route to an existing `producer`, set it on the producer.
   *
   * @default Duration.seconds(300)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * An existing producer to route to, instead of one the route creates from `producerVpc` and
   * `instances`: for example one in the producer team's own stack. Routes of one router that
   * name the same producer share one interface endpoint, IP lookup and ALB target group.
   *
   * @default - the route creates a producer from `producerVpc` and `instances`
   */
  readonly producer?: PrivateLinkProducer;

  /**
   * The TCP port the instances serve HTTP on. The endpoint service, the interface endpoint and
   * the ALB target group all use it.
   *
   * @default - the `producer`'s port if one is given, otherwise 80
   */
  readonly port?: number;

  /**
   * The listener-rule priority (1-50000, lower is evaluated first).
   *
   * @default - derived from the route's own hosts and path, so that routes with hosts are
   * evaluated first, a deeper path before a shallower one, and the priority never changes when
   * other routes are added or removed.
   */
  readonly priority?: number;

  /**
   * The construct ID of the route's resources. Logical IDs derive from it, so changing it
   * replaces the route's resources.
   *
   * @default - derived from the path (`/api/v2` becomes `api-v2`, `/` becomes `root`), after
   * the alphabetically first host if there are hosts (`api.example.com-v2`)
   */
  readonly id?: string;

  /**
   * Where the producer's Network Load Balancer goes in `producerVpc`.
   *
   * @default - the producer VPC's private subnets with egress, or its isolated subnets if it has
   * none; one per Availability Zone
   */
  readonly producerSubnets?: ec2.SubnetSelection;
}

/** ALB limits, from https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html */
export const MAX_RULE_PRIORITY = 50000;
export const MAX_CONDITION_VALUE_LENGTH = 128;
export const MAX_WILDCARDS_PER_RULE = 5;
export const DEFAULT_ROUTE_PORT = 80;

/** Characters an ALB path pattern may contain besides letters and digits. */
const PATH_PATTERN_CHARS = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
/** Characters an ALB host-header condition value may contain. */
const HOST_PATTERN_CHARS = /^[A-Za-z0-9\-.*?]+$/;
/** ALB allows 5 condition values per rule. */
const MAX_CONDITION_VALUES_PER_RULE = 5;

/**
 * Derived priorities: routes with hosts take the first third of the range, routes without the
 * rest. Within each part they fall in bands by path depth (see `depthOf`), deepest first; within
 * a band a hash of the route's conditions picks a slot.
 */
const MAX_DEPTH = 16;
const PRIORITY_BANDS = MAX_DEPTH - 1;
const HOST_SLOTS_PER_BAND = Math.floor(MAX_RULE_PRIORITY / 3 / PRIORITY_BANDS);
const PATH_SLOTS_PER_BAND = Math.floor((MAX_RULE_PRIORITY - PRIORITY_BANDS * HOST_SLOTS_PER_BAND) / PRIORITY_BANDS);

/** What the listener matches for a route: enough to check routes against each other. */
export interface RouteMatch {
  /** The path, `/` if the route gave none. */
  readonly path: string;
  /** The route's hosts and path, for messages: `/api`, or `api.example.com/api`. */
  readonly label: string;
  /** The ALB host-header condition values, lower case; empty for any host. */
  readonly hosts: string[];
  /** The ALB path-pattern condition values. */
  readonly pathPatterns: string[];
  readonly priority: number;
}

/** An ALB URL-rewrite: the first match of `regex` in the request URL becomes `replace`. */
export interface UrlRewrite {
  readonly regex: string;
  readonly replace: string;
}

/** A route after validation and normalisation: everything needed to build it. */
export interface ResolvedRoute extends RouteMatch {
  readonly port: number;
  /** The rewrite that strips the path prefix, if the route asks for it. */
  readonly urlRewrite?: UrlRewrite;
}

/** The route's hosts and path as one string, for messages and construct IDs. */
export function routeLabelOf(route: PrivateLinkRouteOptions): string {
  const path = route.path ?? '/';
  return route.hosts && route.hosts.length > 0 ? `${route.hosts.join(',')}${path}` : path;
}

/** Validates one route and derives its conditions, port, priority and rewrite. */
export function resolveRoute(route: PrivateLinkRouteOptions): ResolvedRoute {
  const path = route.path ?? '/';
  const label = routeLabelOf(route);
  const where = `Route '${label}'`;
  if (Token.isUnresolved(path)) {
    throw new Error(`${where}: path must be a literal string, not a token, because routing is decided at synth time.`);
  }
  if (path.length === 0) {
    throw new Error("A route has an empty path: use '/' to route every request, or a prefix such as '/api'.");
  }
  if (!path.startsWith('/')) {
    throw new Error(`${where}: path must start with '/', e.g. '/${path}'.`);
  }
  if (!PATH_PATTERN_CHARS.test(path)) {
    throw new Error(`${where}: path contains characters an ALB path pattern rejects; allowed are letters, digits and _ - . $ / ~ " ' @ : + & * ?`);
  }
  const oddSegment = path.split('/').slice(1, path.endsWith('/') ? -1 : undefined)
    .find((segment) => segment === '' || segment === '.' || segment === '..');
  if (oddSegment !== undefined) {
    const problem = oddSegment === ''
      ? "an empty segment ('//'), most likely a typo: the rule matches paths exactly as sent, so it would not match the single-slash path"
      : `a '${oddSegment}' segment, which browsers and curl remove before sending a request, so the rule would never see it`;
    throw new Error(`${where}: path has ${problem}; write the path as clients send it.`);
  }
  const hosts = hostsOf(where, route.hosts);
  // With hosts, `/` adds nothing: leaving its `/*` out keeps condition values for hosts.
  const pathPatterns = hosts.length > 0 && path === '/' ? [] : pathPatternsOf(path);
  const conditionValues = hosts.length + pathPatterns.length;
  if (conditionValues > MAX_CONDITION_VALUES_PER_RULE) {
    throw new Error(`${where}: the rule would have ${conditionValues} condition values (${hosts.length} hosts, ${pathPatterns.length} path patterns); ALB allows at most ${MAX_CONDITION_VALUES_PER_RULE} per rule. Split the hosts over several routes.`);
  }
  for (const pattern of pathPatterns) {
    if (pattern.length > MAX_CONDITION_VALUE_LENGTH) {
      throw new Error(`${where}: path pattern '${pattern}' is ${pattern.length} characters long; ALB allows at most ${MAX_CONDITION_VALUE_LENGTH}.`);
    }
  }
  const wildcards = [...hosts, ...pathPatterns].join('').replace(/[^*?]/g, '').length;
  if (wildcards > MAX_WILDCARDS_PER_RULE) {
    throw new Error(`${where}: the rule would have ${wildcards} wildcards; ALB allows at most ${MAX_WILDCARDS_PER_RULE} per rule.`);
  }

  const port = portOf(where, route);
  if (route.priority !== undefined) {
    validatePriority(where, route.priority);
  }
  return {
    path,
    label,
    hosts,
    port,
    priority: route.priority ?? derivePriority(hosts, matchedPathPatterns(pathPatterns)),
    pathPatterns,
    urlRewrite: route.stripPathPrefix ? prefixRewriteOf(where, path) : undefined,
  };
}

/** Validates host-header values; returns them in lower case, as ALB compares them. */
function hostsOf(where: string, hosts: string[] | undefined): string[] {
  if (hosts === undefined) return [];
  if (hosts.length === 0) {
    throw new Error(`${where}: hosts is empty; leave it out to match any host.`);
  }
  const seen = new Set<string>();
  for (const host of hosts) {
    if (Token.isUnresolved(host)) {
      throw new Error(`${where}: host must be a literal string, not a token, because routing is decided at synth time.`);
    }
    if (!HOST_PATTERN_CHARS.test(host)) {
      throw new Error(`${where}: host '${host}' contains characters an ALB host condition rejects; allowed are letters, digits and - . * ? (no scheme, port or path).`);
    }
    if (host.length > MAX_CONDITION_VALUE_LENGTH) {
      throw new Error(`${where}: host '${host}' is ${host.length} characters long; ALB allows at most ${MAX_CONDITION_VALUE_LENGTH}.`);
    }
    const lower = host.toLowerCase();
    if (seen.has(lower)) {
      throw new Error(`${where}: host '${host}' is listed twice; host names match case-insensitively.`);
    }
    seen.add(lower);
  }
  return [...seen];
}

/** The URL rewrite that removes a plain prefix path: `/api/x?q` → `/x?q`, `/api` → `/`. */
function prefixRewriteOf(where: string, path: string): UrlRewrite {
  const prefix = withoutTrailingSlashes(path);
  if (hasWildcard(path) || prefix === '') {
    throw new Error(`${where}: stripPathPrefix needs a plain prefix path other than '/'; a wildcard pattern or '/' has no prefix to strip.`);
  }
  // `.`, `$` and `+` are the path characters that mean something in a regular expression.
  return { regex: `^${prefix.replace(/[.$+]/g, '\\$&')}/?(.*)$`, replace: '/$1' };
}

/**
 * Checks the routes of one listener together: path patterns and priorities must be unique, and
 * no route may be shadowed by a broader route evaluated before it.
 */
export function validateRouteSet(routes: RouteMatch[]): void {
  const byPatterns = new Map<string, RouteMatch>();
  const byPriority = new Map<number, RouteMatch>();
  for (const route of routes) {
    const patternsKey = `${[...route.hosts].sort().join(',')}\n${[...route.pathPatterns].sort().join('\n')}`;
    const samePatterns = byPatterns.get(patternsKey);
    if (samePatterns) {
      throw new Error(`Routes '${samePatterns.label}' and '${route.label}' match the same requests; remove one of them.`);
    }
    byPatterns.set(patternsKey, route);

    const samePriority = byPriority.get(route.priority);
    if (samePriority) {
      throw new Error(`Routes '${samePriority.label}' and '${route.label}' both have listener-rule priority ${route.priority}; set an explicit 'priority' on one of them.`);
    }
    byPriority.set(route.priority, route);
  }

  for (const broad of routes) {
    const prefix = catchAllPrefixOf(broad.path);
    if (prefix === undefined) continue;
    for (const narrow of routes) {
      if (narrow === broad || narrow.priority < broad.priority) continue;
      if (hostsCover(broad.hosts, narrow.hosts) && matchedPathPatterns(narrow.pathPatterns).every((pattern) => pattern.startsWith(prefix))) {
        throw new Error(`Route '${narrow.label}' (priority ${narrow.priority}) would never match: route '${broad.label}' (priority ${broad.priority}) matches all its requests first. Give '${narrow.label}' a lower priority than '${broad.label}'.`);
      }
    }
  }
}

/**
 * The route's port, after checking it names exactly one kind of target: a producer to create
 * (`producerVpc` and targets), an existing `producer`, or an `endpointServiceName`.
 */
function portOf(where: string, route: PrivateLinkRouteOptions): number {
  const creates = [route.producerVpc, route.instances, route.autoScalingGroups, route.ipAddresses, route.producerSubnets]
    .some((value) => value !== undefined);
  const kinds = [creates, route.producer !== undefined, route.endpointServiceName !== undefined].filter(Boolean).length;
  if (kinds !== 1) {
    throw new Error(`${where}: give exactly one of producerVpc with instances (or autoScalingGroups or ipAddresses) for a producer the route creates, an existing producer, or an endpointServiceName.`);
  }
  if (route.producer) {
    if (route.port !== undefined && route.port !== route.producer.port) {
      throw new Error(`${where}: port ${route.port} differs from the port ${route.producer.port} of producer '${route.producer.node.path}'; leave port out to use the producer's.`);
    }
    if (route.healthCheck || route.deregistrationDelay) {
      throw new Error(`${where}: healthCheck and deregistrationDelay of a route to an existing producer come from the producer, which its routes share; set them on producer '${route.producer.node.path}'.`);
    }
    return route.producer.port;
  }
  if (route.endpointServiceName !== undefined && route.endpointServiceName.length === 0) {
    throw new Error(`${where}: endpointServiceName is empty.`);
  }
  if (creates && !route.producerVpc) {
    throw new Error(`${where}: give producerVpc, the VPC of the instances, Auto Scaling groups or IP addresses.`);
  }
  if (creates) {
    validateTargets(where, route);
  }
  const port = route.port ?? DEFAULT_ROUTE_PORT;
  validatePort(where, port);
  return port;
}

/** Whether a route creates its own producer, rather than naming a `producer` or an `endpointServiceName`. */
export function createsProducer(route: PrivateLinkRouteOptions): boolean {
  return route.producer === undefined && route.endpointServiceName === undefined;
}

/** What a producer can send traffic to. */
export interface ProducerTargets {
  readonly instances?: ec2.IInstance[];
  readonly autoScalingGroups?: IConstruct[];
  readonly ipAddresses?: string[];
}

/** Throws unless there is something to serve traffic, each thing once, of one target type. */
export function validateTargets(where: string, targets: ProducerTargets): void {
  const instances = targets.instances ?? [];
  const groups = targets.autoScalingGroups ?? [];
  const ipAddresses = targets.ipAddresses ?? [];
  if (instances.length + groups.length + ipAddresses.length === 0) {
    throw new Error(`${where}: no targets; give at least one instance, Auto Scaling group or IP address to serve it.`);
  }
  if (ipAddresses.length > 0 && instances.length + groups.length > 0) {
    throw new Error(`${where}: IP addresses cannot be combined with instances or Auto Scaling groups: a target group has one target type.`);
  }
  const twice: Array<[string, string | undefined]> = [
    ['instance', firstRepeated(instances)?.node.path],
    ['Auto Scaling group', firstRepeated(groups)?.node.path],
    ['IP address', firstRepeated(ipAddresses)],
  ];
  for (const [what, repeated] of twice) {
    if (repeated !== undefined) {
      throw new Error(`${where}: ${what} '${repeated}' is listed twice; a target group holds each target once.`);
    }
  }
}

function firstRepeated<T>(list: T[]): T | undefined {
  return list.find((item, index) => list.indexOf(item) !== index);
}

/** Whether every host `narrow` matches is one `broad` matches too (no hosts: any host). */
function hostsCover(broad: string[], narrow: string[]): boolean {
  if (broad.length === 0) return true;
  if (narrow.length === 0) return false;
  const broadPatterns = broad.map((host) => new RegExp(`^${host.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return narrow.every((host) => broad.includes(host) || (!hasWildcard(host) && broadPatterns.some((pattern) => pattern.test(host))));
}

/** Throws unless `port` is a valid TCP port; `where` names the input in the message. */
export function validatePort(where: string, port: number): void {
  validateSynthTimeNumber(where, 'port', port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${where}: port must be an integer from 1 to 65535, got ${port}.`);
  }
}

/** Throws unless `value` is a number known at synth time (not a token, not a string). */
function validateSynthTimeNumber(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number') {
    throw new Error(`${where}: ${name} must be a number, got ${typeof value} ${JSON.stringify(value)}.`);
  }
  if (Token.isUnresolved(value)) {
    throw new Error(`${where}: ${name} must be known at synth time, not a token.`);
  }
}

function validatePriority(where: string, priority: number): void {
  validateSynthTimeNumber(where, 'priority', priority);
  if (!Number.isInteger(priority) || priority < 1 || priority > MAX_RULE_PRIORITY) {
    throw new Error(`${where}: priority must be an integer from 1 to ${MAX_RULE_PRIORITY}, got ${priority}.`);
  }
}

/** The paths a rule matches: its path patterns, or every path (`/*`) for a rule on hosts only. */
function matchedPathPatterns(pathPatterns: string[]): string[] {
  return pathPatterns.length > 0 ? pathPatterns : ['/*'];
}

/** `/a` → [`/a`, `/a/*`]; `/` → [`/*`]; a path with wildcards → itself. */
function pathPatternsOf(path: string): string[] {
  if (hasWildcard(path)) {
    return [collapseStars(path)];
  }
  const prefix = withoutTrailingSlashes(path);
  return prefix === '' ? ['/*'] : [prefix, `${prefix}/*`];
}

/**
 * The string every path the route matches starts with, when the route matches all such paths
 * (`/api` → `/api/`, `/api*` → `/api`); undefined when no such prefix exists.
 */
function catchAllPrefixOf(path: string): string | undefined {
  if (!hasWildcard(path)) {
    return `${withoutTrailingSlashes(path)}/`;
  }
  const pattern = collapseStars(path);
  const firstWildcard = pattern.search(/[*?]/);
  // Only `literal*` matches everything under `literal`; `?` or a later literal narrows it.
  return firstWildcard === pattern.length - 1 && pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
}

/** `**` matches what `*` matches; collapsing them lets `/**` and `/*` be seen as one route. */
function collapseStars(pattern: string): string {
  return pattern.replace(/\*{2,}/g, '*');
}

/** `/api/` → `/api`, `/` → the empty string: a plain path as the prefix it stands for. */
function withoutTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

function hasWildcard(path: string): boolean {
  return /[*?]/.test(path);
}

/**
 * The default construct ID of a route: `/api/v2` → `api-v2`, `/` → `root`; with hosts, the
 * alphabetically first host (lower case, as ALB compares hosts, so that reordering or recasing
 * them keeps the ID) and then the path: `api.example.com`, `api.example.com-v2`.
 */
export function routeIdOf(route: PrivateLinkRouteOptions): string {
  const pathId = (route.path ?? '/').split('/').filter((segment) => segment !== '').join('-');
  if (route.hosts && route.hosts.length > 0) {
    const firstHost = route.hosts.map((host) => host.toLowerCase()).sort()[0];
    return pathId === '' ? firstHost : `${firstHost}-${pathId}`;
  }
  return pathId === '' ? 'root' : pathId;
}

/**
 * The priority a route gets from its own conditions only, so it never moves when other routes
 * change: routes with hosts come first; a deeper path lands in a lower band (`/api/v2/*` before
 * `/api/*` before `/*`), and a hash of the conditions picks the slot within the band.
 */
function derivePriority(hosts: string[], pathPatterns: string[]): number {
  // Exact host names go before wildcard hosts at the same path depth, which may cover them.
  const exactHosts = hosts.length > 0 && !hosts.some(hasWildcard);
  const depth = Math.max(...pathPatterns.map(depthOf)) + (exactHosts ? 1 : 0);
  const band = MAX_DEPTH - Math.min(depth, MAX_DEPTH);
  const conditions = [...[...hosts].sort(), ...pathPatterns].join('\n');
  const slot = createHash('sha256').update(conditions).digest().readUInt32BE(0);
  return hosts.length > 0
    ? band * HOST_SLOTS_PER_BAND + (slot % HOST_SLOTS_PER_BAND) + 1
    : PRIORITY_BANDS * HOST_SLOTS_PER_BAND + band * PATH_SLOTS_PER_BAND + (slot % PATH_SLOTS_PER_BAND) + 1;
}

/**
 * How deep a pattern's literal prefix (before its first wildcard) reaches, in half segments:
 * two per `/`, one more for a partial segment after the last `/`. So `/*` is 2, `/api*` 3,
 * `/api/*` 4 and `/api/x*` 5; a pattern without wildcards counts as a whole. A pattern that
 * narrows after its first wildcard (`/api/*.json`, `/api/?`) counts one more than the
 * `literal*` pattern that covers it, so it is evaluated first.
 */
function depthOf(pattern: string): number {
  const firstWildcard = pattern.search(/[*?]/);
  const literal = firstWildcard === -1 ? pattern : pattern.slice(0, firstWildcard);
  const slashes = literal.split('/').length - 1;
  const narrowed = firstWildcard !== -1 && catchAllPrefixOf(pattern) === undefined;
  return 2 * slashes + (literal.endsWith('/') ? 0 : 1) + (narrowed ? 1 : 0);
}
