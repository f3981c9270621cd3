import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** The port a producer offers when none is given. */
export const DEFAULT_PORT = 80;

/**
 * Listeners per Network Load Balancer, so ports per producer: a quota ELB does not raise.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
 */
export const MAX_LISTENERS_PER_NLB = 50;

/** Throws unless `value` is a number known at synth time (not a token, not a string). */
export function validateSynthTimeNumber(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number') {
    throw new Error(`${where}: ${name}: must be a number, got ${typeof value} ${JSON.stringify(value)}.`);
  }
  if (Token.isUnresolved(value)) {
    throw new Error(`${where}: ${name}: must be known at synth time, not a token.`);
  }
}

/** Throws unless `port` is a valid TCP port; `where` names the construct, `name` the prop. */
export function validatePort(where: string, port: number, name = 'port'): void {
  validateSynthTimeNumber(where, name, port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${where}: ${name}: must be an integer from 1 to 65535, got ${port}.`);
  }
}

/** The props that name a producer's targets, one per kind of target. */
export const TARGET_PROPS = ['instances', 'autoScalingGroups', 'ipAddresses', 'ecsServices', 'applicationLoadBalancer'] as const;

/** How a producer's port treats its targets: a route to an existing producer takes these from the producer. */
export const PORT_SETTING_PROPS = ['healthCheck', 'consumerHealthCheck', 'deregistrationDelay', 'targetProtocol', 'protocolVersion'] as const;

/** What a producer can send traffic to. */
export interface ProducerTargets {
  readonly instances?: ec2.IInstance[];
  readonly autoScalingGroups?: IConstruct[];
  readonly ipAddresses?: string[];
  readonly ecsServices?: IConstruct[];
  readonly applicationLoadBalancer?: IConstruct;
}

/** Throws unless there is something to serve traffic, each thing once, of one target type. */
export function validateTargets(where: string, targets: ProducerTargets): void {
  const instances = targets.instances ?? [];
  const groups = targets.autoScalingGroups ?? [];
  const ipAddresses = targets.ipAddresses ?? [];
  const services = targets.ecsServices ?? [];
  if (targets.applicationLoadBalancer !== undefined) {
    if (instances.length + groups.length + ipAddresses.length + services.length > 0) {
      throw new Error(`${where}: applicationLoadBalancer: an Application Load Balancer cannot be combined with other targets: a target group of type alb holds one load balancer.`);
    }
    return;
  }
  if (services.length > 0 && instances.length + groups.length + ipAddresses.length > 0) {
    throw new Error(`${where}: ecsServices: ECS services cannot be combined with instances, Auto Scaling groups or IP addresses: their tasks' network mode decides the target group's one target type.`);
  }
  if (instances.length + groups.length + ipAddresses.length + services.length === 0) {
    throw new Error(`${where}: instances: no targets; give at least one instance, Auto Scaling group, IP address, ECS service or Application Load Balancer to serve it.`);
  }
  if (ipAddresses.length > 0 && instances.length + groups.length > 0) {
    throw new Error(`${where}: ipAddresses: IP addresses cannot be combined with instances or Auto Scaling groups: a target group has one target type.`);
  }
  const twice: Array<[string, string, string | undefined]> = [
    ['instances', 'instance', firstRepeated(instances)?.node.path],
    ['autoScalingGroups', 'Auto Scaling group', firstRepeated(groups)?.node.path],
    ['ipAddresses', 'IP address', firstRepeated(ipAddresses)],
    ['ecsServices', 'ECS service', firstRepeated(services)?.node.path],
  ];
  for (const [prop, what, repeated] of twice) {
    if (repeated !== undefined) {
      throw new Error(`${where}: ${prop}: ${what} '${repeated}' is listed twice; a target group holds each target once.`);
    }
  }
}

function firstRepeated<T>(list: T[]): T | undefined {
  return list.find((item, index) => list.indexOf(item) !== index);
}
