import { Annotations, Duration, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { IPrivateLinkProducer } from '../private-link-producer';
import { healthCheckDifferenceOf } from './health-check';
import { portAttributesOf } from './ports';
import { validateSynthTimeNumber } from './validation';

/**
 * Target groups per forward action: a quota ELB does not raise.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_WEIGHTED_PRODUCERS = 5;

/**
 * A target group's weight in a forward action.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancingv2-listenerrule-targetgrouptuple.html
 */
const MAX_WEIGHT = 999;

/**
 * Target-group stickiness of a forward action, in seconds: 1 second to 7 days.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupStickinessConfig.html
 */
const MAX_STICKINESS_SECONDS = 604800;

/** One producer of a weighted route, its port resolved. */
export interface ResolvedWeightedProducer {
  readonly producer: IPrivateLinkProducer;
  readonly weight: number;
  readonly port: number;
}

/** What `producers` lists, as the route's user wrote it. */
interface WeightedProducerEntry {
  readonly producer: IPrivateLinkProducer;
  readonly weight: number;
  readonly port?: number;
}

/**
 * Checks a weighted route's producers against ALB's forward action (at most 5 target groups,
 * weights 0 to 999) and against themselves (one entry per producer and port, some weight above
 * 0); returns them with their ports resolved.
 */
export function resolveWeightedProducers(where: string, entries: WeightedProducerEntry[]): ResolvedWeightedProducer[] {
  if (entries.length === 0) {
    throw new Error(`${where}: producers: is empty; give at least one producer with its weight, or leave producers out and give producer.`);
  }
  if (entries.length > MAX_WEIGHTED_PRODUCERS) {
    throw new Error(`${where}: producers: lists ${entries.length} producers; an ALB forward action spreads requests over at most ${MAX_WEIGHTED_PRODUCERS} target groups, a quota ELB does not raise. Remove producers that are done migrating.`);
  }
  const resolved = entries.map((entry, index) => {
    const name = `producers[${index}].weight`;
    validateSynthTimeNumber(where, name, entry.weight);
    if (!Number.isInteger(entry.weight) || entry.weight < 0 || entry.weight > MAX_WEIGHT) {
      throw new Error(`${where}: ${name}: must be an integer from 0 to ${MAX_WEIGHT}, got ${entry.weight}.`);
    }
    if (entry.port !== undefined) {
      validateSynthTimeNumber(where, `producers[${index}].port`, entry.port);
    }
    return { producer: entry.producer, weight: entry.weight, port: entry.port ?? entry.producer.port };
  });
  resolved.forEach((entry, index) => {
    const earlier = resolved.findIndex((other) => other.port === entry.port && sameService(other.producer, entry.producer));
    if (earlier !== index) {
      throw new Error(`${where}: producers[${index}]: is producer '${entry.producer.node.path}' on port ${entry.port}, as producers[${earlier}] is; list each producer and port once, with one weight.`);
    }
  });
  if (resolved.every((entry) => entry.weight === 0)) {
    throw new Error(`${where}: producers: every weight is 0, so no producer would get a request; give at least one producer a weight above 0.`);
  }
  return resolved;
}

/** Checks the target-group stickiness of a weighted route against ALB's range, where it is known at synth time. */
export function validateStickinessDuration(where: string, stickinessDuration: Duration | undefined, weighted: boolean): void {
  if (stickinessDuration === undefined) {
    return;
  }
  if (!weighted) {
    throw new Error(`${where}: stickinessDuration: keeps each client on one producer of a weighted route; give producers, or leave stickinessDuration out.`);
  }
  if (stickinessDuration.isUnresolved()) {
    return;
  }
  const seconds = stickinessDuration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_STICKINESS_SECONDS) {
    throw new Error(`${where}: stickinessDuration: must be a whole number of seconds from 1 second to 7 days, got ${stickinessDuration.toHumanString()}.`);
  }
}

/** Whether two producers are one endpoint service: the same construct, or imports of one service name. */
function sameService(a: IPrivateLinkProducer, b: IPrivateLinkProducer): boolean {
  return a === b || (!Token.isUnresolved(a.endpointServiceName) && a.endpointServiceName === b.endpointServiceName);
}

/**
 * Warns of what a weighted route allows but its user may not mean: stickiness with one producer,
 * where it does nothing, and producers whose ALB health checks differ. ALB does not move the
 * share of a group without healthy addresses to the others and fails open inside it, so such
 * groups drop out and recover at different times for the same fault.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-action-types.html#forward-actions
 */
export function warnOfWeightedRoute(route: IConstruct, producers: ResolvedWeightedProducer[], stickinessDuration: Duration | undefined): void {
  const where = route.node.path;
  if (stickinessDuration !== undefined && producers.length === 1) {
    Annotations.of(route).addWarningV2('cdk-alb-privatelink-router:stickinessWithOneProducer',
      `${where}: stickinessDuration: keeps clients on one of several producers, and producers lists one; it does nothing until another is added.`);
  }
  const ports = producers.map(({ producer, port }) => portAttributesOf(where, producer, port));
  for (let index = 1; index < producers.length; index++) {
    const difference = healthCheckDifferenceOf(ports[0], ports[index]);
    if (difference !== undefined) {
      Annotations.of(route).addWarningV2('cdk-alb-privatelink-router:weightedHealthChecksDiffer',
        `${where}: producers: the ALB checks producers[0] ('${producers[0].producer.node.path}') and producers[${index}] ('${producers[index].producer.node.path}') differently (${difference}). ALB does not move a share to the other producers when its group has no healthy address, so the same fault costs their shares differently; give the producers alike health checks, or acknowledge this.`);
      return;
    }
  }
}
