import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { IPrivateLinkProducer } from '../private-link-producer';

/**
 * The producer's Region when it is not that of `consumer`'s stack, for a cross-Region interface
 * endpoint; undefined in the same Region. Throws when the two cannot be compared at synth time,
 * or when the producer is known not to admit the consumer's Region.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html#endpoint-service-cross-region
 */
export function serviceRegionOf(consumer: IConstruct, producer: IPrivateLinkProducer): string | undefined {
  const where = consumer.node.path;
  const consumerRegion = Stack.of(consumer).region;
  const producerRegion = producer.env.region;
  if (producerRegion === consumerRegion) {
    return undefined;
  }
  if (Token.isUnresolved(producerRegion) || Token.isUnresolved(consumerRegion)) {
    throw new Error(`${where}: producer: cannot tell at synth time whether producer '${producer.node.path}' (Region ${labelOf(producerRegion)}) is in this stack's Region (${labelOf(consumerRegion)}); give the consumer's stack and the producer's (or the import's serviceRegion) literal Regions.`);
  }
  const allowed = producer.allowedRegions;
  if (allowed !== undefined && !allowed.includes(consumerRegion)) {
    throw new Error(`${where}: producer: '${producer.node.path}' is in ${producerRegion} and admits endpoints from ${allowed.length > 0 ? `${allowed.join(', ')} and ` : ''}its own Region only; add '${consumerRegion}' to its allowedRegions.`);
  }
  return producerRegion;
}

function labelOf(region: string): string {
  return Token.isUnresolved(region) ? 'not known' : region;
}

/**
 * The Availability Zones, by ID and consumer Region, where cross-Region access is not supported:
 * an interface endpoint to a service in another Region cannot have a subnet in them.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html#endpoint-service-cross-region
 */
export const CROSS_REGION_UNSUPPORTED_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['use1-az3'],
  'us-west-1': ['usw1-az2'],
  'ap-northeast-1': ['apne1-az3'],
  'ap-northeast-2': ['apne2-az2', 'apne2-az4'],
};
