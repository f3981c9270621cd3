import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/**
 * The default placement of NLBs and interface endpoints: the VPC's private subnets, with egress
 * (NAT) if it has them, else isolated ones, one per Availability Zone. Never public subnets.
 */
export function privateSubnetsOf(vpc: ec2.IVpc, needer: string): ec2.SubnetSelection {
  if (vpc.privateSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true };
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true };
  }
  throw new Error(`${needer}: VPC '${vpc.node.path}' has no private or isolated subnets; add some or choose the subnets explicitly.`);
}

/** `Fn::Select [i, Fn::GetAZs '']`: the zones of an environment-agnostic stack, comparable by index. */
const REGION_ZONE = /^\{"Fn::Select":\[(\d+),\{"Fn::GetAZs":""\}\]\}$/;

/** Where a producer's load balancer is: its VPC and the zones of its subnets. */
export interface ProducerPlacement {
  readonly vpc: ec2.IVpc;
  readonly availabilityZones: string[];
}

/**
 * The subnets for a route's interface endpoint: at most one per Availability Zone, restricted to
 * the zones the producer's load balancer covers: an endpoint service is offered only in those
 * zones, and creating an endpoint in any other fails at deploy time.
 *
 * Default subnets outside those zones are left out; explicitly chosen ones are an error. Where a
 * zone is a token that cannot be compared at synth time, the subnets are kept with a warning.
 * Without `producer` (a service known by name only) the subnets are kept as selected.
 */
export function endpointSubnetsFor(
  scope: IConstruct, where: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, producer?: ProducerPlacement,
): ec2.SubnetSelection {
  const subnets = selectedSubnets(where, 'endpoint subnets', vpc, selection ?? privateSubnetsOf(vpc, where), producer?.vpc);
  const endpointKeys = subnets.map((subnet) => zoneKey(scope, subnet.availabilityZone));
  const sameZone = endpointKeys.find((key, index) => key !== undefined && endpointKeys.indexOf(key) !== index);
  if (sameZone !== undefined) {
    throw new Error(`${where}: two endpoint subnets are in ${zoneLabel(sameZone)}; an interface endpoint takes at most one subnet per Availability Zone (use onePerAz: true).`);
  }
  if (producer === undefined) {
    // An endpoint service known by name only: its zones are not known here.
    return { subnets };
  }
  const producerKeys = producer.availabilityZones.map((zone) => zoneKey(scope, zone));
  if ([...producerKeys, ...endpointKeys].includes(undefined)) {
    Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:zonesUnknown',
      `${where}: cannot tell at synth time whether the producer's load balancer covers every Availability Zone of the endpoint subnets; the endpoint fails to create in a zone it does not cover.`);
    return { subnets };
  }
  const covered = subnets.filter((_, index) => producerKeys.includes(endpointKeys[index]));
  if (covered.length === 0 || (selection !== undefined && covered.length < subnets.length)) {
    const missing = endpointKeys.filter((key) => !producerKeys.includes(key)).map(zoneLabel);
    throw new Error(`${where}: the endpoint subnets are in Availability Zones (${missing.join(', ')}) where the producer's load balancer has no subnet (it has ${producerKeys.map(zoneLabel).join(', ')}); choose endpoint subnets in the producer's zones, or give the producer subnets in these.`);
  }
  return { subnets: covered };
}

/** A zone name as a comparable string, or undefined for a token that cannot be compared. */
function zoneKey(scope: IConstruct, zone: string): string | undefined {
  if (!Token.isUnresolved(zone)) return zone;
  const resolved = JSON.stringify(Stack.of(scope).resolve(zone));
  return REGION_ZONE.test(resolved) ? resolved : undefined;
}

function zoneLabel(key: string | undefined): string {
  const regionZone = key?.match(REGION_ZONE);
  return regionZone ? `the region's zone #${Number(regionZone[1]) + 1}` : String(key);
}

/**
 * The subnets a selection picks in `vpc`. Throws, naming `where`, when it picks none, or picks
 * subnets of `otherVpc` (the VPC on the other side of the route), a mix-up that synthesises but
 * fails to deploy.
 */
export function selectedSubnets(where: string, what: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, otherVpc?: ec2.IVpc): ec2.ISubnet[] {
  const subnets = vpc.selectSubnets(selection).subnets;
  if (subnets.length === 0) {
    throw new Error(`${where}: the ${what} selection picks no subnet in VPC '${vpc.node.path}'.`);
  }
  if (otherVpc && otherVpc !== vpc) {
    const otherIds = [...otherVpc.publicSubnets, ...otherVpc.privateSubnets, ...otherVpc.isolatedSubnets].map((subnet) => subnet.subnetId);
    const foreign = subnets.find((subnet) => otherIds.includes(subnet.subnetId));
    if (foreign) {
      throw new Error(`${where}: the ${what} include subnet '${foreign.node.path}' of VPC '${otherVpc.node.path}', but they must be in VPC '${vpc.node.path}'.`);
    }
  }
  return subnets;
}
