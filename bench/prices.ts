/**
 * The list prices that make up the fixed monthly cost of a router and its routes: what is billed
 * by the hour whether or not traffic flows. US East (N. Virginia), read on 2026-11-27 from the
 * AWS pricing pages given with each price. Per-GB and capacity-unit charges come on top and
 * depend on traffic.
 */
export interface HourlyPrice {
  /** US dollars per hour. */
  readonly usdPerHour: number;
  /** What one unit is. */
  readonly unit: string;
  /** The AWS pricing page it is read from. */
  readonly source: string;
}

/** Hours in a month, as AWS's pricing examples count them. */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  applicationLoadBalancer: {
    usdPerHour: 0.0225,
    unit: 'Application Load Balancer',
    source: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  },
  networkLoadBalancer: {
    usdPerHour: 0.0225,
    unit: 'Network Load Balancer',
    source: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  },
  interfaceEndpointZone: {
    usdPerHour: 0.01,
    unit: 'interface endpoint, per Availability Zone',
    source: 'https://aws.amazon.com/privatelink/pricing/',
  },
  publicIpv4Address: {
    usdPerHour: 0.005,
    unit: 'public IPv4 address (one per zone of an internet-facing ALB)',
    source: 'https://aws.amazon.com/vpc/pricing/',
  },
} satisfies Record<string, HourlyPrice>;

/** How many of each billed unit an app holds. */
export type BilledUnits = Record<keyof typeof PRICES, number>;

/** The fixed monthly cost of `units`, in US dollars. */
export function monthlyCostOf(units: BilledUnits): number {
  return Object.entries(PRICES).reduce((sum, [name, price]) => sum + units[name as keyof typeof PRICES] * price.usdPerHour * HOURS_PER_MONTH, 0);
}

/**
 * The billed units in CloudFormation templates: load balancers by type, interface endpoints by
 * their subnets (one billed zone each), and an internet-facing ALB's public address per subnet.
 */
export function billedUnitsOf(templates: Array<Record<string, any>>): BilledUnits {
  const resources = templates.flatMap((template) => Object.values<any>(template.Resources ?? {}));
  const loadBalancers = resources.filter((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const albs = loadBalancers.filter((resource) => resource.Properties.Type === 'application');
  return {
    applicationLoadBalancer: albs.length,
    networkLoadBalancer: loadBalancers.filter((resource) => resource.Properties.Type === 'network').length,
    interfaceEndpointZone: resources
      .filter((resource) => resource.Type === 'AWS::EC2::VPCEndpoint' && resource.Properties.VpcEndpointType === 'Interface')
      .reduce((sum, resource) => sum + resource.Properties.SubnetIds.length, 0),
    publicIpv4Address: albs
      .filter((resource) => resource.Properties.Scheme === 'internet-facing')
      .reduce((sum, resource) => sum + resource.Properties.Subnets.length, 0),
  };
}
