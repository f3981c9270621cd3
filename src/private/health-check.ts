import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** ELB's interval when none is given, for target groups of the NLB and of the consumer's ALB. */
const DEFAULT_INTERVAL_SECONDS = 30;

/**
 * The success codes both load balancers accept: an NLB takes 200 to 599, an ALB 200 to 499, and
 * one `healthCheck` configures the producer's NLB and the consumer's ALB.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html
 */
const HTTP_CODES = { min: 200, max: 499 };

/**
 * ELB's ranges of the health-check settings, the same for NLB and ALB target groups.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
 */
const RANGES = {
  interval: { min: 5, max: 300 },
  timeout: { min: 2, max: 120 },
  healthyThresholdCount: { min: 2, max: 10 },
  unhealthyThresholdCount: { min: 2, max: 10 },
} as const;

/** The longest health-check path ELB takes (CreateTargetGroup's HealthCheckPath). */
const MAX_PATH_LENGTH = 1024;

/** The protocols an NLB checks with; the consumer's ALB always checks over HTTP. */
const NLB_PROTOCOLS: string[] = [elbv2.Protocol.HTTP, elbv2.Protocol.HTTPS, elbv2.Protocol.TCP];

/**
 * Throws for health-check settings that a route's load balancers cannot honour: what the user
 * wrote first (each setting's range and syntax), then the combinations. `nlb` when the settings
 * also configure the producer's NLB (not for an import, where only the consumer's ALB checks),
 * `albTarget` when the NLB's target is an Application Load Balancer, which ELB checks over HTTP
 * or HTTPS only, through that ALB's listener rules.
 */
export function validateHealthCheck(where: string, healthCheck: elbv2.HealthCheck | undefined, albTarget = false, nlb = true): void {
  if (healthCheck === undefined && !albTarget) return;
  const at = `${where}: healthCheck`;
  const check = healthCheck ?? {};
  if (check.enabled === false) {
    throw new Error(`${at}: enabled cannot be false: target groups of type instance, ip or alb always check their targets.`);
  }
  if (check.port !== undefined && check.port !== 'traffic-port') {
    throw new Error(`${at}: port must be 'traffic-port': the interface endpoint and the security groups carry only the route's port.`);
  }
  if (check.protocol !== undefined && !NLB_PROTOCOLS.includes(check.protocol)) {
    throw new Error(`${at}: protocol ${check.protocol} is not one a Network Load Balancer checks with; give HTTP, HTTPS or TCP, or leave it out.`);
  }
  const interval = wholeSecondsOf(at, 'interval', check.interval);
  const timeout = wholeSecondsOf(at, 'timeout', check.timeout);
  checkRange(at, 'interval', interval, RANGES.interval, ' seconds');
  checkRange(at, 'timeout', timeout, RANGES.timeout, ' seconds');
  checkRange(at, 'healthyThresholdCount', check.healthyThresholdCount, RANGES.healthyThresholdCount);
  checkRange(at, 'unhealthyThresholdCount', check.unhealthyThresholdCount, RANGES.unhealthyThresholdCount);
  validatePath(at, check.path);
  validateHttpCodes(at, check.healthyHttpCodes);
  if (check.healthyGrpcCodes !== undefined) {
    throw new Error(`${at}: healthyGrpcCodes: the consumer's ALB checks the endpoint over HTTP${nlb ? ' and the NLB has no gRPC check' : ''}, so gRPC codes cannot apply; use healthyHttpCodes.`);
  }
  // Both load balancers require the timeout below the interval; a token interval cannot be compared.
  if (timeout !== undefined && !check.interval?.isUnresolved() && timeout >= (interval ?? DEFAULT_INTERVAL_SECONDS)) {
    throw new Error(`${at}: timeout: ${timeout} seconds is not below the interval (${interval ?? `ELB's default, ${DEFAULT_INTERVAL_SECONDS}`} seconds), as ELB requires; shorten the timeout or lengthen the interval.`);
  }
  if (albTarget && check.protocol !== undefined && check.protocol !== elbv2.Protocol.HTTP) {
    throw new Error(`${at}: an Application Load Balancer target serves the consumer's ALB over HTTP, so the NLB checks it over HTTP too, not ${check.protocol}; leave protocol out.`);
  }
  if (albTarget && check.path === undefined) {
    throw new Error(`${at}: path: is required for an Application Load Balancer target: the NLB's check (and the consumer's) reaches that ALB's listener rules, and '/' may meet its default action; give a path that one of its rules answers with a healthy code.`);
  }
  if (check.protocol === elbv2.Protocol.TCP && asksForHttp(check)) {
    throw new Error(`${at}: has a path or healthyHttpCodes, which a TCP health check cannot use; leave protocol out.`);
  }
}

/** The seconds of a duration, undefined for none or a token; throws for a fraction of a second. */
function wholeSecondsOf(at: string, name: string, duration: Duration | undefined): number | undefined {
  if (duration === undefined || duration.isUnresolved()) return undefined;
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  if (!Number.isInteger(seconds)) {
    throw new Error(`${at}: ${name}: ELB counts whole seconds, got ${duration.toHumanString()}; give whole seconds.`);
  }
  return seconds;
}

function checkRange(at: string, name: string, value: number | undefined, range: { min: number; max: number }, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${at}: ${name}: must be an integer from ${range.min} to ${range.max}${unit}, got ${value}.`);
  }
}

/** Throws unless `path` is an absolute URL path ELB takes. */
function validatePath(at: string, path: string | undefined): void {
  if (path === undefined || Token.isUnresolved(path)) return;
  if (!path.startsWith('/') || path.length > MAX_PATH_LENGTH || /[\s\u0000-\u001f\u007f]/.test(path)) {
    throw new Error(`${at}: path: '${path}' is not a health-check path ELB takes: it must start with '/', have at most ${MAX_PATH_LENGTH} characters and no spaces or control characters, such as '/health'.`);
  }
}

/** Throws unless `codes` is a list of codes and ranges (`200,202`, `200-299`) both load balancers take. */
function validateHttpCodes(at: string, codes: string | undefined): void {
  if (codes === undefined || Token.isUnresolved(codes)) return;
  const fix = `give codes from ${HTTP_CODES.min} to ${HTTP_CODES.max} (the range the consumer's ALB and the NLB both take), as '200', '200,202' or '200-299'`;
  for (const part of codes.split(',')) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const [low, high] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [NaN, NaN];
    if (!match || low > high) {
      throw new Error(`${at}: healthyHttpCodes: '${codes}' is not a list of HTTP codes and ranges; ${fix}.`);
    }
    if (low < HTTP_CODES.min || high > HTTP_CODES.max) {
      throw new Error(`${at}: healthyHttpCodes: '${part}' is outside ${HTTP_CODES.min}-${HTTP_CODES.max}; ${fix}.`);
    }
  }
}

/**
 * The Network Load Balancer's check: TCP unless a path or status codes ask for HTTP (ELB rejects
 * status codes on a TCP check), or the target is an Application Load Balancer (`albTarget`),
 * which ELB checks over HTTP or HTTPS only.
 */
export function networkHealthCheckOf(healthCheck: elbv2.HealthCheck | undefined, albTarget = false): elbv2.HealthCheck | undefined {
  if (healthCheck === undefined) {
    return albTarget ? { protocol: elbv2.Protocol.HTTP } : undefined;
  }
  return {
    ...healthCheck,
    protocol: healthCheck.protocol ?? (albTarget || asksForHttp(healthCheck) ? elbv2.Protocol.HTTP : undefined),
    timeout: timeoutOf(healthCheck),
  };
}

/** Whether the check has settings only an HTTP check can use. */
function asksForHttp(healthCheck: elbv2.HealthCheck): boolean {
  return healthCheck.path !== undefined || healthCheck.healthyHttpCodes !== undefined;
}

/** The ALB's check of the endpoint addresses: always HTTP on the route's port. */
export function applicationHealthCheckOf(healthCheck: elbv2.HealthCheck | undefined): elbv2.HealthCheck {
  return {
    ...healthCheck,
    protocol: elbv2.Protocol.HTTP,
    port: 'traffic-port',
    path: healthCheck?.path ?? '/',
    timeout: healthCheck && timeoutOf(healthCheck),
  };
}

/**
 * ELB requires the timeout below the interval, and its default timeouts (5 s for an ALB, 10 s
 * for an NLB's TCP check) are not below every interval it accepts; so a custom interval without
 * a timeout gets one.
 */
function timeoutOf(healthCheck: elbv2.HealthCheck): Duration | undefined {
  if (healthCheck.timeout !== undefined || healthCheck.interval === undefined) {
    return healthCheck.timeout;
  }
  return Duration.seconds(Math.min(5, healthCheck.interval.toSeconds() - 1));
}

/**
 * The ALB's health-check defaults for targets of type ip.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
const ALB_DEFAULTS = { interval: 30, healthyThresholdCount: 5, unhealthyThresholdCount: 2, path: '/', healthyHttpCodes: '200' };

/** How much longer one group may take than another to be taken out or put back before it counts as different. */
const COMPARABLE_TIME_RATIO = 2;

/**
 * How two ALB health checks of one weighted route differ, in words; undefined when they are
 * alike or a setting is a token. They differ in what they ask (protocol, path, codes) or in how
 * long an address takes to be taken out of service or put back, by more than twice.
 */
export function healthCheckDifferenceOf(a: elbv2.HealthCheck, b: elbv2.HealthCheck): string | undefined {
  const asked = (check: elbv2.HealthCheck) => ({
    protocol: check.protocol ?? elbv2.Protocol.HTTP,
    path: check.path ?? ALB_DEFAULTS.path,
    codes: check.healthyGrpcCodes ?? check.healthyHttpCodes ?? ALB_DEFAULTS.healthyHttpCodes,
  });
  const [askedA, askedB] = [asked(a), asked(b)];
  for (const key of ['protocol', 'path', 'codes'] as const) {
    if (Token.isUnresolved(askedA[key]) || Token.isUnresolved(askedB[key])) return undefined;
    if (askedA[key] !== askedB[key]) return `${key} ${askedA[key]} against ${askedB[key]}`;
  }
  const seconds = (check: elbv2.HealthCheck, threshold: 'healthyThresholdCount' | 'unhealthyThresholdCount') => {
    const interval = check.interval?.isUnresolved() ? undefined : (check.interval?.toSeconds() ?? ALB_DEFAULTS.interval);
    const count = check[threshold] ?? ALB_DEFAULTS[threshold];
    return interval === undefined || Token.isUnresolved(count) ? undefined : interval * count;
  };
  for (const [threshold, what] of [['unhealthyThresholdCount', 'taken out'], ['healthyThresholdCount', 'put back']] as const) {
    const [secondsA, secondsB] = [seconds(a, threshold), seconds(b, threshold)];
    if (secondsA === undefined || secondsB === undefined) return undefined;
    if (Math.max(secondsA, secondsB) > COMPARABLE_TIME_RATIO * Math.min(secondsA, secondsB)) {
      return `an address is ${what} after ${secondsA} s against ${secondsB} s`;
    }
  }
  return undefined;
}
