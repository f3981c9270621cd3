import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** A Region name such as `eu-west-1` or `us-gov-west-1`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * An endpoint service name, `<prefix>.vpce.<region>.vpce-svc-<id>`, with its Region captured.
 * https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html#endpoint-service-dns-hostnames
 */
const SERVICE_NAME = /^(?:[a-z0-9-]+\.)+vpce\.([a-z]{2}(?:-[a-z]+)+-\d+)\.vpce-svc-[0-9a-f]+$/;

/**
 * An Availability Zone name: its Region code and a letter (`eu-west-1a`), or a Local Zone's
 * (`us-west-2-lax-1a`).
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
 */
const ZONE_NAME = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:-[a-z]+-\d+)?[a-z]$/;

/**
 * What ModifyVpcEndpointServicePermissions admits: `*`, or the ARN of an account (its root), an
 * IAM role or an IAM user, without a path.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpointServicePermissions.html
 */
const PRINCIPAL_ARN = /^(\*|arn:aws(-[a-z]+)*:iam::\d{12}:(root|role\/[\w+=,.@-]+|user\/[\w+=,.@-]+))$/;

/**
 * The deregistration delay ELB takes, in seconds.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
 */
const MAX_DEREGISTRATION_DELAY_SECONDS = 3600;

/**
 * The ranges an IP target outside the VPC may be in (RFC 1918 and RFC 6598); addresses in the
 * VPC's own subnets are allowed too. ELB refuses publicly routable addresses.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#target-type
 */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/**
 * Target groups per ECS service (ECS's fixed limit), and the deployment controller needed for more
 * than one.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/register-multiple-targetgroups.html
 */
export const MAX_TARGET_GROUPS_PER_ECS_SERVICE = 5;

/** Throws unless `duration` is whole seconds from 0 to 3600, ELB's range for a deregistration delay. */
export function validateDeregistrationDelay(where: string, duration: Duration | undefined): void {
  if (duration === undefined || duration.isUnresolved()) return;
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  if (!Number.isInteger(seconds) || seconds > MAX_DEREGISTRATION_DELAY_SECONDS) {
    throw new Error(`${where}: deregistrationDelay: must be whole seconds from 0 to ${MAX_DEREGISTRATION_DELAY_SECONDS}, got ${duration.toHumanString()}.`);
  }
}

/**
 * Throws for an IP address ELB would not register: not a literal IPv4 address, or publicly
 * routable outside `vpc`'s subnets (where those are known). Tokens pass.
 */
export function validateIpAddresses(where: string, vpc: ec2.IVpc, addresses: string[]): void {
  for (const address of addresses) {
    if (Token.isUnresolved(address)) continue;
    const value = ipv4Of(address);
    if (value === undefined) {
      throw new Error(`${where}: ipAddresses: '${address}' is not an IPv4 address such as '10.0.1.10'; the target group is of IPv4 addresses.`);
    }
    if (!PRIVATE_RANGES.some((range) => inCidr(value, range)) && !subnetCidrsOf(vpc).some((cidr) => inCidr(value, cidr))) {
      throw new Error(`${where}: ipAddresses: '${address}' is neither in the VPC's subnets nor in ${PRIVATE_RANGES.join(', ')}; ELB registers no publicly routable address. Give a private address of the target.`);
    }
  }
}

/** Whether `address` is outside every subnet of `vpc`, all of whose ranges are known. */
export function outsideVpc(vpc: ec2.IVpc, address: string): boolean {
  const value = ipv4Of(address);
  const cidrs = subnetCidrsOf(vpc);
  const subnets = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
  return value !== undefined && cidrs.length === subnets.length && cidrs.length > 0 && !cidrs.some((cidr) => inCidr(value, cidr));
}

/** The address ranges of the VPC's subnets that are known at synth time. */
function subnetCidrsOf(vpc: ec2.IVpc): string[] {
  return [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]
    .map(knownCidrOf)
    .filter((cidr): cidr is string => cidr !== undefined);
}

/** A subnet's range, unless it is a token or not known: an imported subnet without one throws on reading it. */
function knownCidrOf(subnet: ec2.ISubnet): string | undefined {
  let cidr: string | undefined;
  try {
    cidr = subnet.ipv4CidrBlock;
  } catch {
    return undefined;
  }
  return typeof cidr === 'string' && !Token.isUnresolved(cidr) ? cidr : undefined;
}

function ipv4Of(address: string): number | undefined {
  const match = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.exec(address);
  return match ? match.slice(1).reduce((value, octet) => value * 256 + Number(octet), 0) : undefined;
}

function inCidr(value: number, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const start = ipv4Of(base);
  const size = 2 ** (32 - Number(bits));
  return start !== undefined && value >= start - (start % size) && value < start - (start % size) + size;
}

/** Throws for a principal ARN the endpoint service's permissions would refuse; tokens pass. */
export function validateAllowedPrincipals(where: string, principals: iam.ArnPrincipal[]): void {
  for (const principal of principals) {
    const arn = principal.arn;
    if (Token.isUnresolved(arn)) continue;
    if (!PRINCIPAL_ARN.test(arn)) {
      throw new Error(`${where}: allowedPrincipals: '${arn}' is not a principal an endpoint service admits: give an account (arn:aws:iam::111111111111:root), an IAM role or an IAM user without a path (arn:aws:iam::111111111111:role/name), or '*'.`);
    }
  }
}

/** Throws unless each allowed Region is a literal Region name, listed once, not the producer's own. */
export function validateAllowedRegions(where: string, ownRegion: string, regions: string[]): void {
  regions.forEach((region, index) => {
    if (Token.isUnresolved(region) || !REGION_NAME.test(region)) {
      throw new Error(`${where}: allowedRegions: '${region}' is not a Region name such as 'eu-west-1'; give literal names.`);
    }
    if (regions.indexOf(region) !== index) {
      throw new Error(`${where}: allowedRegions: '${region}' is listed twice.`);
    }
    if (region === ownRegion) {
      throw new Error(`${where}: allowedRegions: '${region}' is the producer's own Region, whose consumers may always connect; list other Regions only.`);
    }
  });
}

/** The Region in a literal endpoint service name; throws for a literal that is not one. */
export function regionOfServiceName(where: string, name: string): string | undefined {
  if (Token.isUnresolved(name)) return undefined;
  if (name.length === 0) {
    throw new Error(`${where}: endpointServiceName: is empty; give the service name of the VPC endpoint service.`);
  }
  const match = SERVICE_NAME.exec(name);
  if (!match) {
    throw new Error(`${where}: endpointServiceName: '${name}' is not an endpoint service name such as 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0'; give the service's name (its ServiceName), not its ID or DNS name.`);
  }
  return match[1];
}

/** Throws unless the zones are Availability Zone names, each once, of `region` where it is known. */
export function validateAvailabilityZones(where: string, region: string, zones: string[] | undefined): void {
  if (zones === undefined) return;
  if (zones.length === 0) {
    throw new Error(`${where}: availabilityZones: is empty; leave it out if the zones are not known.`);
  }
  zones.forEach((zone, index) => {
    if (Token.isUnresolved(zone)) return;
    const zoneRegion = ZONE_NAME.exec(zone)?.[1];
    if (zoneRegion === undefined) {
      throw new Error(`${where}: availabilityZones: '${zone}' is not an Availability Zone name such as 'eu-west-1a' (a zone ID such as 'euw1-az1' is not one).`);
    }
    if (!Token.isUnresolved(region) && zoneRegion !== region) {
      throw new Error(`${where}: availabilityZones: '${zone}' is a zone of ${zoneRegion}, not of the service's Region ${region}.`);
    }
    if (zones.indexOf(zone) !== index) {
      throw new Error(`${where}: availabilityZones: '${zone}' is listed twice.`);
    }
  });
}

/**
 * Throws when registering `service` in one more target group would break ECS's rules: at most
 * five target groups per service, more than one only with the ECS deployment controller.
 */
export function validateEcsTargetGroups(where: string, service: ecs.BaseService): void {
  const groups = service.loadBalancers.length + 1;
  if (groups > MAX_TARGET_GROUPS_PER_ECS_SERVICE) {
    throw new Error(`${where}: ecsServices: ECS service '${service.node.path}' would be in ${groups} target groups, but ECS attaches a service to at most ${MAX_TARGET_GROUPS_PER_ECS_SERVICE}; serve its other ports from another service, or put fewer of its ports behind load balancers.`);
  }
  const controller = controllerOf(service);
  if (groups > 1 && controller !== undefined && controller !== ecs.DeploymentControllerType.ECS) {
    throw new Error(`${where}: ecsServices: ECS service '${service.node.path}' would be in ${groups} target groups, which ECS allows only with the ECS deployment controller, not ${controller}; serve one port from it, or use the ECS deployment controller.`);
  }
}

/**
 * Validations for the whole tree: every ECS service of `services` in at most five target groups,
 * counting those attached after the producer (by another producer or the user).
 */
export function ecsTargetGroupCountErrors(where: string, services: ecs.BaseService[]): string[] {
  return services
    .filter((service) => service.loadBalancers.length > MAX_TARGET_GROUPS_PER_ECS_SERVICE)
    .map((service) => `${where}: ecsServices: ECS service '${service.node.path}' is in ${service.loadBalancers.length} target groups, but ECS attaches a service to at most ${MAX_TARGET_GROUPS_PER_ECS_SERVICE}; attach it to fewer.`);
}

/** The literal deployment controller type of a service, if it has one. */
function controllerOf(service: ecs.BaseService): string | undefined {
  const resource = service.node.defaultChild as ecs.CfnService | undefined;
  const controller = resource?.deploymentController && Stack.of(service).resolve(resource.deploymentController);
  return typeof controller?.type === 'string' ? controller.type : undefined;
}

/** Throws unless a metric period is one CloudWatch takes: 1, 5, 10 or 30 seconds, or a multiple of 60. */
export function validateMetricPeriod(where: string, period: Duration | undefined): void {
  if (period === undefined || period.isUnresolved()) return;
  const seconds = period.toMilliseconds({ integral: false }) / 1000;
  if (![1, 5, 10, 30].includes(seconds) && !(Number.isInteger(seconds) && seconds > 0 && seconds % 60 === 0)) {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html
    throw new Error(`${where}: period: CloudWatch takes 1, 5, 10 or 30 seconds or a multiple of 60, got ${period.toHumanString()}; ELB's metrics have one-minute resolution, so give a multiple of a minute.`);
  }
}

/**
 * Throws for an instance whose security group is in another VPC than the producer's: the load
 * balancer could not register it, and the deployment would fail. An instance's security groups
 * are in its VPC, and an `ec2.Instance` created here shows theirs; for other instances, where
 * that cannot be known, it warns.
 */
export function validateInstanceVpcs(where: string, producer: IConstruct, vpc: ec2.IVpc, instances: ec2.IInstance[]): void {
  const stack = Stack.of(producer);
  const vpcId = JSON.stringify(stack.resolve(vpc.vpcId));
  for (const instance of instances) {
    const vpcIds = instance.connections.securityGroups
      .map((group) => group.node.defaultChild)
      .filter((resource): resource is ec2.CfnSecurityGroup => resource instanceof ec2.CfnSecurityGroup && resource.vpcId !== undefined)
      .map((resource) => JSON.stringify(stack.resolve(resource.vpcId)));
    if (vpcIds.length === 0) {
      Annotations.of(producer).addWarningV2('cdk-alb-privatelink-router:instanceVpcUnknown',
        `${where}: instances: cannot tell at synth time whether instance '${instance.node.path}' is in VPC '${vpc.node.path}'; the load balancer can only register instances of its own VPC, so the deployment fails otherwise.`);
    } else if (!vpcIds.includes(vpcId)) {
      throw new Error(`${where}: instances: instance '${instance.node.path}' is in another VPC than '${vpc.node.path}' (its security groups are); the load balancer can only register instances of its own VPC. Give the instance's VPC as the producer's VPC.`);
    }
  }
}

/**
 * Throws for an Auto Scaling group or ECS service in another stack than the producer at `scope`:
 * the target and the load balancer refer to each other, which across stacks is a cycle.
 */
export function validateSameStackTargets(where: string, scope: IConstruct,
  options: { readonly autoScalingGroups?: IConstruct[]; readonly ecsServices?: IConstruct[] }): void {
  const sameStackTargets = [
    ['autoScalingGroups', 'Auto Scaling group', options.autoScalingGroups],
    ['ecsServices', 'ECS service', options.ecsServices],
  ] as const;
  for (const [prop, what, members] of sameStackTargets) {
    const elsewhere = (members ?? []).find((member) => Stack.of(member) !== Stack.of(scope));
    if (elsewhere) {
      throw new Error(`${where}: ${prop}: ${what} '${elsewhere.node.path}' is in another stack; create the producer (for a route, the router) in its stack, since the ${what} and the load balancer refer to each other.`);
    }
  }
}
