import type { IPrivateLinkProducer, PrivateLinkPortAttributes } from '../private-link-producer';

/** The ports `producer` offers: its `port`, then its additional ones. */
export function portsOf(producer: IPrivateLinkProducer): number[] {
  return [producer.port, ...(producer.additionalPorts ?? []).map((additional) => additional.port)];
}

/**
 * What the consumer's ALB needs to reach `port` of `producer`: the producer's own settings for
 * its `port`, those given with an additional port otherwise; undefined for a port it does not offer.
 */
export function portAttributesOf(producer: IPrivateLinkProducer, port: number): PrivateLinkPortAttributes | undefined {
  if (port === producer.port) {
    return { port, healthCheck: producer.healthCheck, deregistrationDelay: producer.deregistrationDelay };
  }
  return (producer.additionalPorts ?? []).find((additional) => additional.port === port);
}

/** The error message for a `port` that `producer` does not offer: which it does, and the fix. */
export function portNotOffered(producer: IPrivateLinkProducer, port: number): string {
  const ports = portsOf(producer);
  return `producer '${producer.node.path}' offers ${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}, not ${port}; serve it first, with the producer's addPort (for an import, its additionalPorts).`;
}
