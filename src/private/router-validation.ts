import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ENV_AGNOSTIC_ZONE } from './aws-cdk-lib-internals';
import { MAX_RULE_PRIORITY } from './route-match';
import { zoneKey } from './subnets';

/** Whether `id` can be a route's construct ID: a literal, non-empty string without the path separator `/`. */
export function validateConstructId(id: string): boolean {
  return typeof id === 'string' && id.length > 0 && !id.includes('/') && !Token.isUnresolved(id);
}

/**
 * Throws unless `maxRoutes` is a whole number of rules one listener can hold: each needs its own
 * priority, from 1 to 50,000.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html
 */
export function validateMaxRoutes(where: string, maxRoutes: number): void {
  if (!Number.isInteger(maxRoutes) || maxRoutes < 1 || maxRoutes > MAX_RULE_PRIORITY) {
    throw new Error(`${where}: maxRoutes: must be an integer from 1 to ${MAX_RULE_PRIORITY} (a listener's rules each need a priority of their own, 1 to ${MAX_RULE_PRIORITY}), got ${maxRoutes}.`);
  }
}

/**
 * Throws when ELB would refuse the access-log prefix: it adds `AWSLogs/...` itself.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 */
export function validateAccessLogsPrefix(where: string, prefix: string | undefined): void {
  if (prefix === undefined || Token.isUnresolved(prefix)) return;
  if (prefix.includes('AWSLogs')) {
    throw new Error(`${where}: accessLogsPrefix: '${prefix}' contains 'AWSLogs', which ELB does not accept in a prefix (it adds AWSLogs/<account>/... after the prefix itself); choose another prefix.`);
  }
}

/**
 * Certificates an ALB holds besides the default one, by default: an adjustable quota, so more
 * are only warned of.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_CERTIFICATES_BESIDES_DEFAULT = 25;

/** Warns when the listener would hold more certificates than the ALB quota allows by default. */
export function warnOfCertificateQuota(scope: IConstruct, count: number): void {
  if (count - 1 > MAX_CERTIFICATES_BESIDES_DEFAULT) {
    Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:certificateQuota',
      `${scope.node.path}: certificates: ${count} certificates are ${count - 1} besides the default one; an ALB holds ${MAX_CERTIFICATES_BESIDES_DEFAULT} by default, so the deployment fails unless the quota "Certificates per Application Load Balancer" is raised.`);
  }
}

/** A regular Availability Zone name (`eu-west-1a`), not a Local Zone (`us-west-2-lax-1a`) or Outpost. */
const AVAILABILITY_ZONE_NAME = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/;

/**
 * Throws when the ALB's subnets are known to cover one Availability Zone only: ELB requires
 * subnets in at least two (Local Zones and Outposts excepted, so other zone names pass).
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html
 */
export function validateLoadBalancerZones(scope: IConstruct, zones: string[]): void {
  const keys = zones.map((zone) => zoneKey(scope, zone));
  const regular = keys.every((key) => key !== undefined && (AVAILABILITY_ZONE_NAME.test(key) || ENV_AGNOSTIC_ZONE.test(key)));
  if (regular && new Set(keys).size < 2) {
    throw new Error(`${scope.node.path}: loadBalancerSubnets: the ALB's subnets are in ${new Set(keys).size === 0 ? 'no' : 'one'} Availability Zone (${zones.join(', ')}); an Application Load Balancer needs subnets in at least two. Select subnets in two or more zones.`);
  }
}
