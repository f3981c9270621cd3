import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { ENV_AGNOSTIC_ZONE } from './aws-cdk-lib-internals';

/**
 * The default placement of NLBs and interface endpoints: the VPC's private subnets, with egress
 * (NAT) if it has them, else isolated ones, one per Availability Zone. Never public subnets.
 */
export function privateSubnetsOf(where: string, prop: string, vpc: ec2.IVpc): ec2.SubnetSelection {
  if (vpc.privateSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true };
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true };
  }
  throw new Error(`${where}: ${prop}: VPC '${vpc.node.path}' has no private or isolated subnets; add some, or choose the subnets with ${prop}.`);
}

/** Where a producer's load balancer is, as far as known: its VPC and the zones of its subnets. */
export interface ProducerPlacement {
  readonly vpc?: ec2.IVpc;
  readonly availabilityZones?: string[];
}

/** Zones the endpoint subnets must stay within, and who imposes them, for messages. */
interface ZoneLimit {
  /** `the producer's load balancer`, `the ALB`. */
  readonly owner: string;
  readonly availabilityZones: string[];
}

/**
 * The subnets for a route's interface endpoint: at most one per Availability Zone, restricted to
 * the zones the producer's load balancer covers (an endpoint service is offered only in those
 * zones, and creating an endpoint in any other fails at deploy time) and to the zones of the ALB
 * (an ALB reports an IP target in a zone it is not enabled in as `unused` and never sends it a
 * request).
 *
 * Default subnets outside those zones are left out; explicitly chosen ones are an error. Where a
 * zone is a token that cannot be compared at synth time, the subnets are kept with a warning.
 * Where the producer's zones are not known (a service known by name only) they are not checked;
 * without `loadBalancerZones`, the ALB's are not. Messages name `scope`, which owns the endpoint.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-type
 */
export function endpointSubnetsFor(
  scope: IConstruct, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined,
  producer?: ProducerPlacement, loadBalancerZones?: string[], excludedZones?: ZoneIdExclusion,
): ec2.SubnetSelection {
  const where = scope.node.path;
  let subnets = selectedSubnets(where, 'endpointSubnets', vpc, selection ?? privateSubnetsOf(where, 'endpointSubnets', vpc), producer?.vpc);
  const keysOf = (zones: string[]) => zones.map((zone) => zoneKey(scope, zone));
  const sameZone = keysOf(subnets.map((subnet) => subnet.availabilityZone))
    .find((key, index, keys) => key !== undefined && keys.indexOf(key) !== index);
  if (sameZone !== undefined) {
    throw new Error(`${where}: endpointSubnets: two endpoint subnets are in ${zoneLabel(sameZone)}; an interface endpoint takes at most one subnet per Availability Zone (use onePerAz: true).`);
  }
  const limits: ZoneLimit[] = [
    ...(producer?.availabilityZones ? [{ owner: "the producer's load balancer", availabilityZones: producer.availabilityZones }] : []),
    ...(loadBalancerZones ? [{ owner: 'the ALB', availabilityZones: loadBalancerZones }] : []),
  ];
  for (const limit of limits) {
    const endpointKeys = keysOf(subnets.map((subnet) => subnet.availabilityZone));
    const allowedKeys = keysOf(limit.availabilityZones);
    if ([...allowedKeys, ...endpointKeys].includes(undefined)) {
      Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:zonesUnknown',
        `${where}: endpointSubnets: cannot tell at synth time whether ${limit.owner} covers every Availability Zone of the endpoint subnets; an endpoint subnet in a zone it does not cover breaks the route at deploy time.`);
      continue;
    }
    const covered = subnets.filter((_, index) => allowedKeys.includes(endpointKeys[index]));
    if (covered.length === 0 || (selection !== undefined && covered.length < subnets.length)) {
      const missing = endpointKeys.filter((key) => !allowedKeys.includes(key)).map(zoneLabel);
      throw new Error(`${where}: endpointSubnets: the endpoint subnets are in Availability Zones (${missing.join(', ')}) where ${limit.owner} has no subnet (it has ${allowedKeys.map(zoneLabel).join(', ')}); choose endpoint subnets in its zones, or give it subnets in these.`);
    }
    subnets = covered;
  }
  return { subnets: excludedZones ? withoutExcludedZones(scope, subnets, selection !== undefined, excludedZones) : subnets };
}

/** Zones, by ID, an endpoint may not have a subnet in, and why, for messages. */
export interface ZoneIdExclusion {
  /** `cross-Region interface endpoints are not supported`. */
  readonly reason: string;
  readonly zoneIds: readonly string[];
}

/**
 * `subnets` without those in excluded zones. Zone IDs map to zone names differently in each
 * account, so a subnet's zone ID is known only where it is literal in the app (a `CfnSubnet`
 * given `availabilityZoneId`); the other subnets are kept with a warning. Explicitly chosen
 * subnets in an excluded zone are an error; default ones are left out.
 */
function withoutExcludedZones(scope: IConstruct, subnets: ec2.ISubnet[], explicit: boolean, excluded: ZoneIdExclusion): ec2.ISubnet[] {
  const where = scope.node.path;
  const zoneIds = subnets.map(zoneIdOf);
  const isExcluded = (index: number) => zoneIds[index] !== undefined && excluded.zoneIds.includes(zoneIds[index]!);
  const first = subnets.findIndex((_, index) => isExcluded(index));
  const kept = subnets.filter((_, index) => !isExcluded(index));
  if (first !== -1 && (explicit || kept.length === 0)) {
    throw new Error(`${where}: endpointSubnets: subnet '${subnets[first].node.path}' is in zone ${zoneIds[first]}, where ${excluded.reason} (${excluded.zoneIds.join(', ')}); choose endpoint subnets in other zones.`);
  }
  if (zoneIds.includes(undefined)) {
    Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:zoneIdsUnknown',
      `${where}: endpointSubnets: cannot tell at synth time whether an endpoint subnet is in zone ${excluded.zoneIds.join(' or ')}, where ${excluded.reason}; zone names map to zone IDs per account. Leave such zones out of endpointSubnets.`);
  }
  return kept;
}

/** A subnet's zone ID where the app gives it literally, else undefined. */
function zoneIdOf(subnet: ec2.ISubnet): string | undefined {
  const cfnSubnet = subnet.node.defaultChild;
  const zoneId = cfnSubnet instanceof ec2.CfnSubnet ? cfnSubnet.availabilityZoneId : undefined;
  return zoneId === undefined || Token.isUnresolved(zoneId) ? undefined : zoneId;
}

/** A zone name as a comparable string, or undefined for a token that cannot be compared. */
export function zoneKey(scope: IConstruct, zone: string): string | undefined {
  if (!Token.isUnresolved(zone)) return zone;
  const resolved = JSON.stringify(Stack.of(scope).resolve(zone));
  return ENV_AGNOSTIC_ZONE.test(resolved) ? resolved : undefined;
}

function zoneLabel(key: string | undefined): string {
  const regionZone = key?.match(ENV_AGNOSTIC_ZONE);
  return regionZone ? `the region's zone #${Number(regionZone[1]) + 1}` : String(key);
}

/**
 * The subnets a selection (the prop `prop` of the construct at `where`) picks in `vpc`. Throws
 * when it picks none, or picks subnets of `otherVpc` (the VPC on the other side of the route), a
 * mix-up that synthesises but fails to deploy.
 */
export function selectedSubnets(where: string, prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, otherVpc?: ec2.IVpc): ec2.ISubnet[] {
  const subnets = vpc.selectSubnets(selection).subnets;
  if (subnets.length === 0) {
    throw new Error(`${where}: ${prop}: the selection picks no subnet in VPC '${vpc.node.path}'.`);
  }
  const ofAnotherVpc = subnets.find((subnet) => subnet.node.scope instanceof ec2.Vpc && subnet.node.scope !== vpc);
  if (ofAnotherVpc) {
    throw new Error(`${where}: ${prop}: subnet '${ofAnotherVpc.node.path}' is in VPC '${ofAnotherVpc.node.scope!.node.path}', but these subnets must be in VPC '${vpc.node.path}'.`);
  }
  if (otherVpc && otherVpc !== vpc) {
    const otherIds = [...otherVpc.publicSubnets, ...otherVpc.privateSubnets, ...otherVpc.isolatedSubnets].map((subnet) => subnet.subnetId);
    const foreign = subnets.find((subnet) => otherIds.includes(subnet.subnetId));
    if (foreign) {
      throw new Error(`${where}: ${prop}: subnet '${foreign.node.path}' is in VPC '${otherVpc.node.path}', but these subnets must be in VPC '${vpc.node.path}'.`);
    }
  }
  return subnets;
}

/** Checks the endpoint placement a target group or consumer is given. */
export function validateEndpointOptions(where: string, options: { readonly loadBalancerAvailabilityZones?: string[] }): void {
  if (options.loadBalancerAvailabilityZones?.length === 0) {
    throw new Error(`${where}: loadBalancerAvailabilityZones: is empty, so no endpoint subnet could be used; give the zones of the ALB's subnets, or leave it out.`);
  }
}
