import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** ELB's interval when none is given, for target groups of the NLB and of the consumer's ALB. */
const DEFAULT_INTERVAL_SECONDS = 30;

/**
 * The success codes both load balancers accept: an NLB takes 200 to 599, an ALB 200 to 499, and
 * one `healthCheck` configures the producer's NLB and (unless `consumerHealthCheck`) the consumer's ALB.
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

/** The protocols an NLB checks with. */
const NLB_PROTOCOLS: string[] = [elbv2.Protocol.HTTP, elbv2.Protocol.HTTPS, elbv2.Protocol.TCP];

/** The protocols an ALB checks with: ELB refuses TCP on a target group of HTTP or HTTPS. */
const ALB_PROTOCOLS: string[] = [elbv2.Protocol.HTTP, elbv2.Protocol.HTTPS];

/**
 * gRPC status codes an ALB's check of a GRPC target group matches.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancingv2-targetgroup-matcher.html
 */
const GRPC_CODES = { min: 0, max: 99 };

/**
 * The path ALB calls on a GRPC target group by default: a method no service has, answered with
 * code 12 (UNIMPLEMENTED), ALB's default success code for gRPC.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
const GRPC_DEFAULT_PATH = '/AWS.ALB/healthcheck';
const GRPC_DEFAULT_CODES = '12';

/** What a port's targets serve, as a health check of it must fit. */
export interface ServedProtocol {
  /** HTTP or HTTPS; undefined for HTTP. */
  readonly targetProtocol?: elbv2.ApplicationProtocol;
  /** HTTP1, HTTP2 or GRPC; undefined for HTTP1. */
  readonly protocolVersion?: elbv2.ApplicationProtocolVersion;
}

/** What a health check configures, for `validateHealthCheck`. */
export interface HealthCheckUse extends ServedProtocol {
  /** The prop the check was given as, for errors: `healthCheck` unless told. */
  readonly prop?: string;
  /** Whether the check also configures the producer's NLB: false for an import's and for `consumerHealthCheck`. */
  readonly nlb: boolean;
  /** Whether the NLB's target is an Application Load Balancer, which ELB checks over HTTP or HTTPS only. */
  readonly albTarget?: boolean;
}

const TARGET_PROTOCOLS: string[] = [elbv2.ApplicationProtocol.HTTP, elbv2.ApplicationProtocol.HTTPS];
const PROTOCOL_VERSIONS: string[] = [
  elbv2.ApplicationProtocolVersion.HTTP1, elbv2.ApplicationProtocolVersion.HTTP2, elbv2.ApplicationProtocolVersion.GRPC,
];

/** Throws for a target protocol or protocol version an ALB target group does not take. */
export function validateServedProtocol(where: string, served: ServedProtocol): void {
  if (served.targetProtocol !== undefined && !TARGET_PROTOCOLS.includes(served.targetProtocol)) {
    throw new Error(`${where}: targetProtocol: '${served.targetProtocol}' is not a protocol the consumer's ALB speaks to targets; give HTTP or HTTPS.`);
  }
  if (served.protocolVersion !== undefined && !PROTOCOL_VERSIONS.includes(served.protocolVersion)) {
    throw new Error(`${where}: protocolVersion: '${served.protocolVersion}' is not an ALB protocol version; give HTTP1, HTTP2 or GRPC.`);
  }
}

/**
 * Throws for health-check settings that a port's load balancers cannot honour: what the user
 * wrote first (each setting's range and syntax), then the combinations. A check that also
 * configures the NLB (`use.nlb`) takes what both load balancers accept; an ALB's own check may
 * match gRPC codes on a GRPC port. A check with a protocol must speak the one the targets serve
 * (HTTP or HTTPS, on the same port), or TCP for the NLB.
 */
export function validateHealthCheck(where: string, healthCheck: elbv2.HealthCheck | undefined, use: HealthCheckUse): void {
  const albTarget = use.albTarget ?? false;
  if (healthCheck === undefined && !albTarget) return;
  const at = `${where}: ${use.prop ?? 'healthCheck'}`;
  const check = healthCheck ?? {};
  const served: string = use.targetProtocol ?? elbv2.ApplicationProtocol.HTTP;
  const grpc = use.protocolVersion === elbv2.ApplicationProtocolVersion.GRPC;
  if (check.enabled === false) {
    throw new Error(`${at}: enabled cannot be false: target groups of type instance, ip or alb always check their targets.`);
  }
  if (check.port !== undefined && check.port !== 'traffic-port') {
    throw new Error(`${at}: port must be 'traffic-port': the interface endpoint and the security groups carry only the route's port.`);
  }
  const protocols = use.nlb ? NLB_PROTOCOLS : ALB_PROTOCOLS;
  if (check.protocol !== undefined && !protocols.includes(check.protocol)) {
    throw new Error(`${at}: protocol ${check.protocol} is not one ${use.nlb ? 'a Network Load Balancer' : 'the consumer\'s ALB'} checks with; give ${use.nlb ? 'HTTP, HTTPS or TCP' : 'HTTP or HTTPS'}, or leave it out.`);
  }
  if (check.protocol !== undefined && check.protocol !== elbv2.Protocol.TCP && check.protocol !== served) {
    throw new Error(`${at}: protocol ${check.protocol} is not what the targets serve on the port (targetProtocol ${served}), so the check would fail; give ${served}${use.nlb ? ' or TCP' : ''}, or leave it out.`);
  }
  const interval = wholeSecondsOf(at, 'interval', check.interval);
  const timeout = wholeSecondsOf(at, 'timeout', check.timeout);
  checkRange(at, 'interval', interval, RANGES.interval, ' seconds');
  checkRange(at, 'timeout', timeout, RANGES.timeout, ' seconds');
  checkRange(at, 'healthyThresholdCount', check.healthyThresholdCount, RANGES.healthyThresholdCount);
  checkRange(at, 'unhealthyThresholdCount', check.unhealthyThresholdCount, RANGES.unhealthyThresholdCount);
  validatePath(at, check.path);
  validateCodes(at, 'healthyHttpCodes', check.healthyHttpCodes, HTTP_CODE_KIND);
  validateCodes(at, 'healthyGrpcCodes', check.healthyGrpcCodes, GRPC_CODE_KIND);
  if (check.healthyGrpcCodes !== undefined && use.nlb) {
    throw new Error(`${at}: healthyGrpcCodes: the NLB has no gRPC check; give the consumer's ALB its gRPC codes with consumerHealthCheck, and leave them out here.`);
  }
  if (check.healthyGrpcCodes !== undefined && !grpc) {
    throw new Error(`${at}: healthyGrpcCodes: the port's protocolVersion is ${use.protocolVersion ?? 'HTTP1'}, whose checks match HTTP codes; use healthyHttpCodes, or set protocolVersion GRPC.`);
  }
  if (check.healthyHttpCodes !== undefined && grpc && !use.nlb) {
    throw new Error(`${at}: healthyHttpCodes: the ALB's check of a GRPC port matches gRPC status codes; use healthyGrpcCodes.`);
  }
  // Both load balancers require the timeout below the interval; a token interval cannot be compared.
  if (timeout !== undefined && !check.interval?.isUnresolved() && timeout >= (interval ?? DEFAULT_INTERVAL_SECONDS)) {
    throw new Error(`${at}: timeout: ${timeout} seconds is not below the interval (${interval ?? `ELB's default, ${DEFAULT_INTERVAL_SECONDS}`} seconds), as ELB requires; shorten the timeout or lengthen the interval.`);
  }
  // An NLB checks over HTTP/1.1 only, which an HTTP/2 or gRPC server need not answer (grpc-go
  // refuses it): behind such a port the NLB checks TCP, and the ALB's check speaks the version.
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
  const version = use.protocolVersion;
  if (use.nlb && !albTarget && (version === elbv2.ApplicationProtocolVersion.HTTP2 || grpc)) {
    if (check.protocol !== undefined && check.protocol !== elbv2.Protocol.TCP) {
      throw new Error(`${at}: protocol: the NLB checks over HTTP/1.1 only, which a ${version} server need not answer, so it checks TCP on a ${version} port; leave protocol out.`);
    }
    if (grpc && asksForHttp(check)) {
      throw new Error(`${at}: has a path or healthyHttpCodes, which neither check of a GRPC port can use: the NLB checks TCP, the ALB with gRPC codes; give the ALB's path and codes in consumerHealthCheck.`);
    }
  }
  if (albTarget && check.protocol === elbv2.Protocol.TCP) {
    throw new Error(`${at}: an Application Load Balancer target is checked through its listener, over ${served} as it serves the port, not TCP; leave protocol out.`);
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

/** A kind of success codes: its range, and how errors name and show it. */
interface CodeKind {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly range: string;
  readonly examples: string;
}

const HTTP_CODE_KIND: CodeKind = {
  name: 'HTTP', ...HTTP_CODES, range: 'the range the consumer\'s ALB and the NLB both take', examples: "'200', '200,202' or '200-299'",
};
const GRPC_CODE_KIND: CodeKind = { name: 'gRPC', ...GRPC_CODES, range: 'gRPC status codes', examples: "'0', '0,12' or '0-5'" };

/** Throws unless `codes` is a list of codes and ranges (`200,202`, `200-299`) of `kind`. */
function validateCodes(at: string, prop: string, codes: string | undefined, kind: CodeKind): void {
  if (codes === undefined || Token.isUnresolved(codes)) return;
  const fix = `give codes from ${kind.min} to ${kind.max} (${kind.range}), as ${kind.examples}`;
  for (const part of codes.split(',')) {
    const match = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(part);
    const [low, high] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [NaN, NaN];
    if (!match || low > high) {
      throw new Error(`${at}: ${prop}: '${codes}' is not a list of ${kind.name} codes and ranges; ${fix}.`);
    }
    if (low < kind.min || high > kind.max) {
      throw new Error(`${at}: ${prop}: '${part}' is outside ${kind.min}-${kind.max}; ${fix}.`);
    }
  }
}

/**
 * The Network Load Balancer's check: TCP unless a path or status codes ask for HTTP (ELB rejects
 * status codes on a TCP check), or the target is an Application Load Balancer (`albTarget`),
 * which ELB checks over HTTP or HTTPS only; then over the protocol the targets serve. Always TCP
 * on an HTTP/2 or gRPC port of instances or addresses, whose path and codes are the ALB's.
 */
export function networkHealthCheckOf(healthCheck: elbv2.HealthCheck | undefined, albTarget: boolean,
  served: ServedProtocol): elbv2.HealthCheck | undefined {
  const protocol = checkProtocolOf(served);
  if (healthCheck === undefined) {
    return albTarget ? { protocol } : undefined;
  }
  const http1 = served.protocolVersion === undefined || served.protocolVersion === elbv2.ApplicationProtocolVersion.HTTP1;
  if (!albTarget && !http1) {
    return { ...healthCheck, protocol: undefined, path: undefined, healthyHttpCodes: undefined, timeout: timeoutOf(healthCheck) };
  }
  return {
    ...healthCheck,
    protocol: healthCheck.protocol ?? (albTarget || asksForHttp(healthCheck) ? protocol : undefined),
    timeout: timeoutOf(healthCheck),
  };
}

/** The protocol that checks a port over what its targets serve: HTTPS for HTTPS, else HTTP. */
function checkProtocolOf(served: ServedProtocol): elbv2.Protocol {
  return served.targetProtocol === elbv2.ApplicationProtocol.HTTPS ? elbv2.Protocol.HTTPS : elbv2.Protocol.HTTP;
}

/** Whether the check has settings only an HTTP check can use. */
function asksForHttp(healthCheck: elbv2.HealthCheck): boolean {
  return healthCheck.path !== undefined || healthCheck.healthyHttpCodes !== undefined;
}

/**
 * The consumer's ALB's check of a port the app serves: `consumerHealthCheck` when given, else
 * the port's `healthCheck` without its protocol (the NLB's, which may be TCP) and, on a GRPC
 * port, without its path and HTTP codes, which an HTTP check of the NLB's asks for.
 */
export function consumerHealthCheckOf(healthCheck: elbv2.HealthCheck | undefined, consumerHealthCheck: elbv2.HealthCheck | undefined,
  protocolVersion: elbv2.ApplicationProtocolVersion | undefined): elbv2.HealthCheck | undefined {
  if (consumerHealthCheck !== undefined || healthCheck === undefined) {
    return consumerHealthCheck;
  }
  const grpc = protocolVersion === elbv2.ApplicationProtocolVersion.GRPC;
  return {
    ...healthCheck,
    protocol: undefined,
    path: grpc ? undefined : healthCheck.path,
    healthyHttpCodes: grpc ? undefined : healthCheck.healthyHttpCodes,
  };
}

/**
 * The ALB's check of the endpoint addresses on the route's port: over the protocol the targets
 * serve unless told, at ALB's default path for the protocol version.
 */
export function applicationHealthCheckOf(healthCheck: elbv2.HealthCheck | undefined, served: ServedProtocol): elbv2.HealthCheck {
  const grpc = served.protocolVersion === elbv2.ApplicationProtocolVersion.GRPC;
  return {
    ...healthCheck,
    protocol: healthCheck?.protocol ?? checkProtocolOf(served),
    port: 'traffic-port',
    path: healthCheck?.path ?? (grpc ? GRPC_DEFAULT_PATH : '/'),
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
const ALB_DEFAULTS = { interval: 30, healthyThresholdCount: 5, unhealthyThresholdCount: 2, healthyHttpCodes: '200' };

/** How much longer one group may take than another to be taken out or put back before it counts as different. */
const COMPARABLE_TIME_RATIO = 2;

/** A port's ALB check as the port's attributes give it, with what its targets serve. */
export interface PortHealthCheck extends ServedProtocol {
  readonly healthCheck?: elbv2.HealthCheck;
}

/**
 * How the ALB's checks of two ports of one weighted route differ, in words; undefined when they
 * are alike or a setting is a token. They differ in what they ask (path, codes: ALB's default
 * is 12 on a GRPC port, 200 otherwise) or in how long an address takes to be taken out of
 * service or put back, by more than twice. The protocol is what the targets serve, which may
 * differ by design (a move to HTTPS).
 */
export function healthCheckDifferenceOf(portA: PortHealthCheck, portB: PortHealthCheck): string | undefined {
  const [a, b] = [portA, portB].map((port) => applicationHealthCheckOf(port.healthCheck, port));
  const asked = (check: elbv2.HealthCheck, port: PortHealthCheck) => ({
    path: check.path,
    codes: check.healthyGrpcCodes ?? check.healthyHttpCodes
      ?? (port.protocolVersion === elbv2.ApplicationProtocolVersion.GRPC ? GRPC_DEFAULT_CODES : ALB_DEFAULTS.healthyHttpCodes),
  });
  const [askedA, askedB] = [asked(a, portA), asked(b, portB)];
  for (const key of ['path', 'codes'] as const) {
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
