import { createHash } from 'crypto';
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { PrivateLinkProducer } from './private-link-producer';

/**
 * One route of an `AlbPrivateLinkRouter`: requests whose path matches `path` are forwarded over
 * AWS PrivateLink to `instances` in `producerVpc`, or to an existing `producer`.
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
   */
  readonly path: string;

  /**
   * The VPC the instances run in. The route creates its own `PrivateLinkProducer` (Network Load
   * Balancer and endpoint service) in it. Give either `producerVpc` and `instances`, or `producer`.
   *
   * @default - none: `producer` is given
   */
  readonly producerVpc?: ec2.IVpc;

  /**
   * The instances that serve the route, registered as targets of the producer's Network Load
   * Balancer. Their security groups are opened on `port` to that load balancer only.
   *
   * @default - none: `producer` is given
   */
  readonly instances?: ec2.IInstance[];

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
   * @default - derived from the path alone, so that a deeper path is evaluated before a
   * shallower one and the priority never changes when other routes are added or removed.
   */
  readonly priority?: number;

  /**
   * The construct ID of the route's resources. Logical IDs derive from it, so changing it
   * replaces the route's resources.
   *
   * @default - derived from the path (`/api/v2` becomes `api-v2`, `/` becomes `root`)
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

/**
 * Derived priorities fall in bands by path depth (see `depthOf`), deepest first; within a band a
 * hash of the path patterns picks one of `SLOTS_PER_BAND` slots.
 */
const MAX_DEPTH = 16;
const PRIORITY_BANDS = MAX_DEPTH - 1;
const SLOTS_PER_BAND = Math.floor(MAX_RULE_PRIORITY / PRIORITY_BANDS);

/** What the listener matches for a route: enough to check routes against each other. */
export interface RouteMatch {
  /** The path as the user wrote it, for messages. */
  readonly path: string;
  /** The ALB path-pattern condition values. */
  readonly pathPatterns: string[];
  readonly priority: number;
}

/** A route after validation and normalisation: everything needed to build it. */
export interface ResolvedRoute extends RouteMatch {
  readonly port: number;
}

/** Validates one route and derives its path patterns, port and priority. */
export function resolveRoute(route: PrivateLinkRouteOptions): ResolvedRoute {
  const path = route.path;
  const where = `Route '${path}'`;
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
  const pathPatterns = pathPatternsOf(path);
  for (const pattern of pathPatterns) {
    if (pattern.length > MAX_CONDITION_VALUE_LENGTH) {
      throw new Error(`${where}: path pattern '${pattern}' is ${pattern.length} characters long; ALB allows at most ${MAX_CONDITION_VALUE_LENGTH}.`);
    }
  }
  const wildcards = pathPatterns.join('').replace(/[^*?]/g, '').length;
  if (wildcards > MAX_WILDCARDS_PER_RULE) {
    throw new Error(`${where}: the rule would have ${wildcards} wildcards; ALB allows at most ${MAX_WILDCARDS_PER_RULE} per rule.`);
  }

  const port = portOf(where, route);
  if (route.priority !== undefined) {
    validatePriority(where, route.priority);
  }
  return {
    path,
    port,
    priority: route.priority ?? derivePriority(pathPatterns),
    pathPatterns,
  };
}

/**
 * Checks the routes of one listener together: path patterns and priorities must be unique, and
 * no route may be shadowed by a broader route evaluated before it.
 */
export function validateRouteSet(routes: RouteMatch[]): void {
  const byPatterns = new Map<string, RouteMatch>();
  const byPriority = new Map<number, RouteMatch>();
  for (const route of routes) {
    const patternsKey = [...route.pathPatterns].sort().join('\n');
    const samePatterns = byPatterns.get(patternsKey);
    if (samePatterns) {
      throw new Error(`Routes '${samePatterns.path}' and '${route.path}' match the same paths (${route.pathPatterns.join(', ')}); remove one of them.`);
    }
    byPatterns.set(patternsKey, route);

    const samePriority = byPriority.get(route.priority);
    if (samePriority) {
      throw new Error(`Routes '${samePriority.path}' and '${route.path}' both have listener-rule priority ${route.priority}; set an explicit 'priority' on one of them.`);
    }
    byPriority.set(route.priority, route);
  }

  for (const broad of routes) {
    const prefix = catchAllPrefixOf(broad.path);
    if (prefix === undefined) continue;
    for (const narrow of routes) {
      if (narrow === broad || narrow.priority < broad.priority) continue;
      if (narrow.pathPatterns.every((pattern) => pattern.startsWith(prefix))) {
        throw new Error(`Route '${narrow.path}' (priority ${narrow.priority}) would never match: route '${broad.path}' (priority ${broad.priority}) matches all its paths first. Give '${narrow.path}' a lower priority than '${broad.path}'.`);
      }
    }
  }
}

/** The route's port, after checking it names exactly one producer. */
function portOf(where: string, route: PrivateLinkRouteOptions): number {
  if (route.producer) {
    if (route.producerVpc || route.instances || route.producerSubnets) {
      throw new Error(`${where}: give either producer, or producerVpc and instances (and producerSubnets) for a producer the route creates; not both.`);
    }
    if (route.port !== undefined && route.port !== route.producer.port) {
      throw new Error(`${where}: port ${route.port} differs from the port ${route.producer.port} of producer '${route.producer.node.path}'; leave port out to use the producer's.`);
    }
    return route.producer.port;
  }
  if (!route.producerVpc || !route.instances) {
    throw new Error(`${where}: give producerVpc and instances, for which the route creates a PrivateLinkProducer, or an existing producer.`);
  }
  const port = route.port ?? DEFAULT_ROUTE_PORT;
  validatePort(where, port);
  validateInstances(where, route.instances);
  return port;
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

/** Throws when there is no instance to serve traffic. */
export function validateInstances(where: string, instances: ec2.IInstance[]): void {
  if (instances.length === 0) {
    throw new Error(`${where}: instances is empty; give at least one instance to serve it.`);
  }
  const twice = instances.find((instance, index) => instances.indexOf(instance) !== index);
  if (twice) {
    throw new Error(`${where}: instance '${twice.node.path}' is listed twice; a target group holds each instance once.`);
  }
}

function validatePriority(where: string, priority: number): void {
  validateSynthTimeNumber(where, 'priority', priority);
  if (!Number.isInteger(priority) || priority < 1 || priority > MAX_RULE_PRIORITY) {
    throw new Error(`${where}: priority must be an integer from 1 to ${MAX_RULE_PRIORITY}, got ${priority}.`);
  }
}

/** `/a` → [`/a`, `/a/*`]; `/` → [`/*`]; a path with wildcards → itself. */
function pathPatternsOf(path: string): string[] {
  if (hasWildcard(path)) {
    return [collapseStars(path)];
  }
  const prefix = path.replace(/\/+$/, '');
  return prefix === '' ? ['/*'] : [prefix, `${prefix}/*`];
}

/**
 * The string every path the route matches starts with, when the route matches all such paths
 * (`/api` → `/api/`, `/api*` → `/api`); undefined when no such prefix exists.
 */
function catchAllPrefixOf(path: string): string | undefined {
  if (!hasWildcard(path)) {
    return `${path.replace(/\/+$/, '')}/`;
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

function hasWildcard(path: string): boolean {
  return /[*?]/.test(path);
}

/** The default construct ID of a route: `/api/v2` → `api-v2`, `/` → `root`. */
export function routeIdOf(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? 'root' : trimmed.split('/').filter((segment) => segment !== '').join('-');
}

/**
 * The priority a route gets from its own path patterns only, so it never moves when other routes
 * change: a deeper path lands in a lower band (`/api/v2/*` before `/api/*` before `/*`), and a
 * hash of the patterns picks the slot within the band.
 */
function derivePriority(pathPatterns: string[]): number {
  const depth = Math.max(...pathPatterns.map(depthOf));
  const band = MAX_DEPTH - Math.min(depth, MAX_DEPTH);
  const digest = createHash('sha256').update(pathPatterns.join('\n')).digest();
  return band * SLOTS_PER_BAND + (digest.readUInt32BE(0) % SLOTS_PER_BAND) + 1;
}

/**
 * How deep a pattern's literal prefix (before its first wildcard) reaches, in half segments:
 * two per `/`, one more for a partial segment after the last `/`. So `/*` is 2, `/api*` 3,
 * `/api/*` 4 and `/api/x*` 5; a pattern without wildcards counts as a whole.
 */
function depthOf(pattern: string): number {
  const firstWildcard = pattern.search(/[*?]/);
  const literal = firstWildcard === -1 ? pattern : pattern.slice(0, firstWildcard);
  const slashes = literal.split('/').length - 1;
  return 2 * slashes + (literal.endsWith('/') ? 0 : 1);
}
