import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/**
 * Throws for health-check settings that a route's load balancers cannot honour; `albTarget` when
 * the NLB's target is an Application Load Balancer, which ELB checks over HTTP or HTTPS only.
 */
export function validateHealthCheck(where: string, healthCheck: elbv2.HealthCheck | undefined, albTarget = false): void {
  if (healthCheck === undefined) return;
  if (albTarget && healthCheck.protocol !== undefined && healthCheck.protocol !== elbv2.Protocol.HTTP) {
    throw new Error(`${where}: healthCheck: an Application Load Balancer target serves the consumer's ALB over HTTP, so the NLB checks it over HTTP too, not ${healthCheck.protocol}; leave protocol out.`);
  }
  if (healthCheck.enabled === false) {
    throw new Error(`${where}: healthCheck: enabled cannot be false: target groups of type instance or ip always check their targets.`);
  }
  if (healthCheck.port !== undefined && healthCheck.port !== 'traffic-port') {
    throw new Error(`${where}: healthCheck: port must be 'traffic-port': the interface endpoint and the security groups carry only the route's port.`);
  }
  if (healthCheck.protocol === elbv2.Protocol.TCP && asksForHttp(healthCheck)) {
    throw new Error(`${where}: healthCheck: has a path or healthyHttpCodes, which a TCP health check cannot use; leave protocol out.`);
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
