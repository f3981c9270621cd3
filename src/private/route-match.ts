import { createHash } from 'crypto';
import { Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';
import { stableIdOf } from './stable-id';
import { validateSynthTimeNumber } from './validation';

/** What a route asks the listener to match; `PrivateLinkRouteOptions` has these fields. */
export interface RouteRequest {
  readonly path?: string;
  readonly hosts?: string[];
  readonly priority?: number;
  readonly stripPathPrefix?: boolean;
}

/**
 * A listener rule's priority: 1 to 50,000, so a listener holds at most 50,000 rules.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html
 */
export const MAX_RULE_PRIORITY = 50000;
/**
 * A host-header or path-pattern value is at most 128 characters.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */
const MAX_CONDITION_VALUE_LENGTH = 128;
/**
 * Condition values and wildcards per rule: quotas ELB does not raise.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html#rules-quotas
 */
const MAX_WILDCARDS_PER_RULE = 5;
const MAX_CONDITION_VALUES_PER_RULE = 5;

/**
 * Characters an ALB path pattern may contain besides letters and digits.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 */
const PATH_PATTERN_CHARS = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
/**
 * Characters an ALB host-header condition value may contain; it must also have a '.', and only
 * letters after the last one.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HostHeaderConditionConfig.html
 */
const HOST_PATTERN_CHARS = /^[A-Za-z0-9\-.*?]+$/;
const HOST_TOP_LEVEL = /\.[A-Za-z]*$/;

/**
 * Derived priorities: routes with hosts take the first third of the range, routes without the
 * rest. Within each part they fall in bands by path depth (see `depthOf`), deepest first; within
 * a band a hash of the route's conditions picks a slot.
 */
const MAX_DEPTH = 16;
const PRIORITY_BANDS = MAX_DEPTH - 1;
const HOST_SLOTS_PER_BAND = Math.floor(MAX_RULE_PRIORITY / 3 / PRIORITY_BANDS);
const PATH_SLOTS_PER_BAND = Math.floor((MAX_RULE_PRIORITY - PRIORITY_BANDS * HOST_SLOTS_PER_BAND) / PRIORITY_BANDS);

/** What the listener matches for a route, after validation and normalisation. */
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
  /** The rewrite that strips the path prefix, if the route asks for it. */
  readonly urlRewrite?: UrlRewrite;
}

/** An ALB URL-rewrite: the first match of `regex` in the request URL becomes `replace`. */
export interface UrlRewrite {
  readonly regex: string;
  readonly replace: string;
}

/** The route's hosts and path as one string, for messages. */
export function routeLabelOf(route: RouteRequest): string {
  const path = route.path ?? '/';
  return route.hosts && route.hosts.length > 0 ? `${route.hosts.join(',')}${path}` : path;
}

/**
 * Validates what one route matches and derives its conditions, priority and rewrite; `where` is
 * the route's construct path, for messages.
 */
export function resolveRoute(where: string, route: RouteRequest): RouteMatch {
  const path = route.path ?? '/';
  validatePath(where, path);
  const hosts = hostsOf(where, route.hosts);
  // With hosts, `/` adds nothing: leaving its `/*` out keeps condition values for hosts.
  const pathPatterns = hosts.length > 0 && path === '/' ? [] : pathPatternsOf(path);
  validateRuleQuotas(where, hosts, pathPatterns);
  if (route.priority !== undefined) {
    validatePriority(where, route.priority);
  }
  return {
    path,
    label: routeLabelOf(route),
    hosts,
    priority: route.priority ?? derivePriority(hosts, matchedPathPatterns(pathPatterns)),
    pathPatterns,
    urlRewrite: route.stripPathPrefix ? prefixRewriteOf(where, path) : undefined,
  };
}

/** Throws unless `path` is a literal ALB path pattern, written as clients send paths. */
function validatePath(where: string, path: string): void {
  if (Token.isUnresolved(path)) {
    throw new Error(`${where}: path: must be a literal string, not a token, because routing is decided at synth time.`);
  }
  if (path.length === 0) {
    throw new Error(`${where}: path: is empty; use '/' to route every request, or a prefix such as '/api'.`);
  }
  if (!path.startsWith('/')) {
    throw new Error(`${where}: path: '${path}' must start with '/', e.g. '/${path}'.`);
  }
  if (!PATH_PATTERN_CHARS.test(path)) {
    throw new Error(`${where}: path: '${path}' contains characters an ALB path pattern rejects; allowed are letters, digits and _ - . $ / ~ " ' @ : + & * ?`);
  }
  const oddSegment = path.split('/').slice(1, path.endsWith('/') ? -1 : undefined)
    .find((segment) => segment === '' || segment === '.' || segment === '..');
  if (oddSegment !== undefined) {
    const problem = oddSegment === ''
      ? "an empty segment ('//'), most likely a typo: the rule matches paths exactly as sent, so it would not match the single-slash path"
      : `a '${oddSegment}' segment, which browsers and curl remove before sending a request, so the rule would never see it`;
    throw new Error(`${where}: path: '${path}' has ${problem}; write the path as clients send it.`);
  }
}

/** Throws when one rule's conditions exceed ALB's quotas: values per rule, their length, wildcards. */
function validateRuleQuotas(where: string, hosts: string[], pathPatterns: string[]): void {
  const conditionValues = hosts.length + pathPatterns.length;
  if (conditionValues > MAX_CONDITION_VALUES_PER_RULE) {
    throw new Error(`${where}: hosts: the rule would have ${conditionValues} condition values (${hosts.length} hosts, ${pathPatterns.length} path patterns); ALB allows at most ${MAX_CONDITION_VALUES_PER_RULE} per rule. Split the hosts over several routes.`);
  }
  for (const pattern of pathPatterns) {
    if (pattern.length > MAX_CONDITION_VALUE_LENGTH) {
      throw new Error(`${where}: path: pattern '${pattern}' is ${pattern.length} characters long; ALB allows at most ${MAX_CONDITION_VALUE_LENGTH}.`);
    }
  }
  const wildcards = [...hosts, ...pathPatterns].join('').replace(/[^*?]/g, '').length;
  if (wildcards > MAX_WILDCARDS_PER_RULE) {
    throw new Error(`${where}: path: the rule would have ${wildcards} wildcards in its hosts and path; ALB allows at most ${MAX_WILDCARDS_PER_RULE} per rule.`);
  }
}

/** Validates host-header values; returns them in lower case, as ALB compares them. */
function hostsOf(where: string, hosts: string[] | undefined): string[] {
  if (hosts === undefined) return [];
  if (hosts.length === 0) {
    throw new Error(`${where}: hosts: is empty; leave it out to match any host.`);
  }
  const seen = new Set<string>();
  for (const host of hosts) {
    if (Token.isUnresolved(host)) {
      throw new Error(`${where}: hosts: must be literal strings, not tokens, because routing is decided at synth time.`);
    }
    if (!HOST_PATTERN_CHARS.test(host)) {
      throw new Error(`${where}: hosts: '${host}' contains characters an ALB host condition rejects; allowed are letters, digits and - . * ? (no scheme, port or path).`);
    }
    if (host.length > MAX_CONDITION_VALUE_LENGTH) {
      throw new Error(`${where}: hosts: '${host}' is ${host.length} characters long; ALB allows at most ${MAX_CONDITION_VALUE_LENGTH}.`);
    }
    if (!host.includes('.')) {
      throw new Error(`${where}: hosts: '${host}' has no '.'; an ALB host condition needs a domain name such as '${host}.example.com' (or '*.example.com').`);
    }
    if (!HOST_TOP_LEVEL.test(host)) {
      throw new Error(`${where}: hosts: '${host}' has characters other than letters after its last '.'; an ALB host condition matches domain names (such as 'api.example.com'), not IP addresses or wildcard top-level domains.`);
    }
    const lower = host.toLowerCase();
    if (seen.has(lower)) {
      throw new Error(`${where}: hosts: '${host}' is listed twice; host names match case-insensitively.`);
    }
    seen.add(lower);
  }
  return [...seen];
}

/** The URL rewrite that removes a plain prefix path: `/api/x?q` → `/x?q`, `/api` → `/`. */
function prefixRewriteOf(where: string, path: string): UrlRewrite {
  const prefix = withoutTrailingSlashes(path);
  if (hasWildcard(path) || prefix === '') {
    throw new Error(`${where}: stripPathPrefix: needs a plain prefix path other than '/'; a wildcard pattern or '/' has no prefix to strip.`);
  }
  // `.`, `$` and `+` are the path characters that mean something in a regular expression.
  return { regex: `^${prefix.replace(/[.$+]/g, '\\$&')}/?(.*)$`, replace: '/$1' };
}

/** A route already on a listener: what it matches, and its construct path for messages. */
export interface ListenerRoute {
  readonly match: RouteMatch;
  readonly constructPath: string;
}

/**
 * A listener as a logical-ID part, the same for every import of one listener ARN in `scope`'s
 * stack: the listener's logical ID, or a hash of an imported ARN.
 */
export function listenerKeyOf(scope: IConstruct, listener: elbv2.IApplicationListener): string {
  return stableIdOf(scope, listener.listenerArn);
}

/**
 * Throws when the route at `where` clashes with a route already on the same listener: both match
 * the same requests, both ask for one priority, or one can never match because a broader route
 * evaluated before it matches all its requests (ELB evaluates rules from the lowest priority
 * number up and stops at the first match).
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html
 */
export function validateRouteAmong(where: string, added: RouteMatch, others: ListenerRoute[]): void {
  const patternsKey = (match: RouteMatch) => `${[...match.hosts].sort().join(',')}\n${[...match.pathPatterns].sort().join('\n')}`;
  for (const { match: other, constructPath } of others) {
    if (patternsKey(other) === patternsKey(added)) {
      throw new Error(`${where}: path: route '${added.label}' matches the same requests as route '${other.label}' (${constructPath}); remove one of them.`);
    }
    if (other.priority === added.priority) {
      throw new Error(`${where}: priority: route '${added.label}' asks for listener-rule priority ${added.priority}, which route '${other.label}' (${constructPath}) already has on the same listener; give one of them another priority.`);
    }
    for (const [broad, narrow] of [[other, added], [added, other]]) {
      if (shadows(broad, narrow)) {
        throw new Error(`${where}: priority: route '${narrow.label}' (priority ${narrow.priority}) would never match: route '${broad.label}' (priority ${broad.priority}) matches all its requests first. Give '${narrow.label}' an explicit priority lower than ${broad.priority} (lower is evaluated first).`);
      }
    }
  }
}

/**
 * Whether `broad`, evaluated first, matches every request `narrow` matches: each of narrow's
 * hosts is covered by one of broad's (or broad has none), and each of narrow's path patterns by
 * one of broad's. Sound, not complete: a pattern covered only by several patterns together, or
 * in a way `patternCovers` does not see, is not reported, so the check never rejects a route
 * that can receive requests.
 */
function shadows(broad: RouteMatch, narrow: RouteMatch): boolean {
  const broadPaths = matchedPathPatterns(broad.pathPatterns);
  return broad.priority < narrow.priority
    && hostsCover(broad.hosts, narrow.hosts)
    && matchedPathPatterns(narrow.pathPatterns).every((pattern) => broadPaths.some((covering) => patternCovers(covering, pattern)));
}

/** Whether every host `narrow` matches is one `broad` matches too (no hosts: any host). */
function hostsCover(broad: string[], narrow: string[]): boolean {
  if (broad.length === 0) return true;
  if (narrow.length === 0) return false;
  return narrow.every((host) => broad.some((covering) => patternCovers(covering, host)));
}

/**
 * Whether every string the ALB pattern `narrow` matches (`*` any characters, `?` one) is matched
 * by `broad` too. Decided token by token: a `*` of broad may take any run of narrow's tokens; a
 * `?` of broad one literal or `?`; a literal only itself. That is sufficient, so a `true` is
 * always right; it may miss a covering that holds only between wildcards (`?*` covers `*?`).
 */
export function patternCovers(broad: string, narrow: string): boolean {
  const b = collapseStars(broad);
  const n = collapseStars(narrow);
  const memo = new Map<number, boolean>();
  const covers = (i: number, j: number): boolean => {
    const key = i * (n.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === b.length) {
      result = j === n.length;
    } else if (b[i] === '*') {
      result = covers(i + 1, j) || (j < n.length && covers(i, j + 1));
    } else if (j === n.length || n[j] === '*') {
      result = false;
    } else if (b[i] === '?') {
      result = covers(i + 1, j + 1);
    } else {
      result = b[i] === n[j] && covers(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return covers(0, 0);
}

function validatePriority(where: string, priority: number): void {
  validateSynthTimeNumber(where, 'priority', priority);
  if (!Number.isInteger(priority) || priority < 1 || priority > MAX_RULE_PRIORITY) {
    throw new Error(`${where}: priority: must be an integer from 1 to ${MAX_RULE_PRIORITY}, got ${priority}.`);
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
export function routeIdOf(route: RouteRequest): string {
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
