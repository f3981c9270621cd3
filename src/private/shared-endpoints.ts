import { Names } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { IPrivateLinkProducer } from '../private-link-producer';
import { PrivateLinkEndpointOptions, PrivateLinkTargetGroup } from '../private-link-target-group';

/**
 * The construct ID of the consumer side of `producer` where it is shared: named after the
 * producer alone, so that it stays whichever routes, in whichever order, reach the producer.
 */
export function sharedEndpointIdOf(producer: IPrivateLinkProducer): string {
  return `PrivateLink${Names.nodeUniqueId(producer.node)}`;
}

/**
 * The consumer side of `producer` that `owner` keeps under `id`, made on first use with the
 * ALB target group of `port`, and given one for `port` if it has none yet.
 */
export function connectedTargetGroupOf(owner: Construct, vpc: ec2.IVpc, placement: PrivateLinkEndpointOptions,
  producer: IPrivateLinkProducer, port: number, id: string = sharedEndpointIdOf(producer)): PrivateLinkTargetGroup {
  const existing = owner.node.tryFindChild(id);
  if (existing !== undefined && !(existing instanceof PrivateLinkTargetGroup)) {
    throw new Error(`${owner.node.path}: id: '${existing.node.path}' has the construct ID '${id}', which the endpoint of producer '${producer.node.path}' is given here; give that construct another ID.`);
  }
  if (existing === undefined) {
    return new PrivateLinkTargetGroup(owner, id, {
      vpc,
      producer,
      port,
      endpointSubnets: placement.endpointSubnets,
      endpointSecurityGroup: placement.endpointSecurityGroup,
      loadBalancerAvailabilityZones: placement.loadBalancerAvailabilityZones,
    });
  }
  if (!existing.ports.includes(port)) {
    existing.addPort(port);
  }
  return existing;
}
