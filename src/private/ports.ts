import type { IPrivateLinkProducer, PrivateLinkPortAttributes } from '../private-link-producer';

/** The ports `producer` offers: its `port`, then its additional ones. */
function portsOf(producer: IPrivateLinkProducer): number[] {
  return [producer.port, ...(producer.additionalPorts ?? []).map((additional) => additional.port)];
}

/**
 * What the consumer's ALB needs to reach `port` of `producer`: the producer's own settings for
 * its `port`, those given with an additional port otherwise. Throws for a port it does not offer,
 * naming `where` (a construct path), the ports it does offer, and the fix.
 */
export function portAttributesOf(where: string, producer: IPrivateLinkProducer, port: number): PrivateLinkPortAttributes {
  const attributes = port === producer.port
    ? {
      port,
      healthCheck: producer.healthCheck,
      deregistrationDelay: producer.deregistrationDelay,
      targetProtocol: producer.targetProtocol,
      protocolVersion: producer.protocolVersion,
    }
    : (producer.additionalPorts ?? []).find((additional) => additional.port === port);
  if (attributes === undefined) {
    const ports = portsOf(producer);
    throw new Error(`${where}: port: producer '${producer.node.path}' offers ${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}, not ${port}; serve it first, with the producer's addPort (for an import, its additionalPorts).`);
  }
  return attributes;
}
