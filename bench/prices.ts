/**
 * The list prices behind every cost figure of this repository: the benchmark's, and the README's
 * cost tables (scripts/cost-table.ts renders them from here, and `docs:check` fails when they
 * drift). US East (N. Virginia), as of November 2026, from the AWS pricing page given with each
 * price. Those pages draw their rate tables with scripts; where the stored copy we could read
 * did not show a rate, it was confirmed against a transcription of the page (`confirmedBy`).
 */
export interface Price {
  /** US dollars per `per`. */
  readonly usd: number;
  /** What one unit is. */
  readonly per: string;
  /** The AWS pricing page the rate is from. */
  readonly source: string;
  /** Where the rate was confirmed, when the stored copy of `source` did not show it. */
  readonly confirmedBy?: string;
}

/** Hours in a month, as AWS's pricing examples count them. */
export const HOURS_PER_MONTH = 730;

const ELB_PRICING = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const PRIVATELINK_PRICING = 'https://aws.amazon.com/privatelink/pricing/';
const ELB_TRANSCRIPTION = 'https://raw.githubusercontent.com/api-evangelist/amazon-elastic-load-balancing/refs/heads/main/plans/amazon-elastic-load-balancing-plans-pricing.yml';

/** What is billed by the hour whether or not traffic flows: the fixed cost of routes. */
export const HOURLY_PRICES = {
  applicationLoadBalancer: { usd: 0.0225, per: 'Application Load Balancer hour', source: ELB_PRICING, confirmedBy: ELB_TRANSCRIPTION },
  networkLoadBalancer: { usd: 0.0225, per: 'Network Load Balancer hour', source: ELB_PRICING, confirmedBy: 'https://awsnegotiations.com/elastic-load-balancer-cost.html' },
  interfaceEndpointZone: { usd: 0.01, per: 'interface endpoint hour, per Availability Zone', source: PRIVATELINK_PRICING, confirmedBy: 'https://awsnegotiations.com/privatelink-cost-analysis.html' },
  publicIpv4Address: { usd: 0.005, per: 'public IPv4 address hour (an internet-facing ALB has one per zone)', source: 'https://aws.amazon.com/vpc/pricing/', confirmedBy: 'https://vishalvyas.com/understand-aws-public-ipv4-address-usage-and-pricing/' },
} satisfies Record<string, Price>;

/** What traffic costs on this library's path, on top of the hourly prices. */
export const USAGE_PRICES = {
  applicationLoadBalancerCapacity: { usd: 0.008, per: 'ALB LCU-hour (an LCU is 1 GB an hour to instance or IP targets, 25 new connections a second, 3,000 active connections or 1,000 rule evaluations a second, whichever is highest)', source: ELB_PRICING, confirmedBy: ELB_TRANSCRIPTION },
  networkLoadBalancerCapacity: { usd: 0.006, per: 'NLB NLCU-hour (for TCP, 1 GB an hour, 800 new flows a second or 100,000 active flows)', source: ELB_PRICING, confirmedBy: ELB_TRANSCRIPTION },
  interfaceEndpointData: { usd: 0.01, per: 'GB through interface endpoints (the first PB a month in the Region)', source: PRIVATELINK_PRICING },
} satisfies Record<string, Price>;

/** The prices of the alternatives the README compares this library with. */
export const ALTERNATIVE_PRICES = {
  latticeService: { usd: 0.025, per: 'VPC Lattice service hour', source: 'https://aws.amazon.com/vpc/lattice/pricing/' },
  latticeData: { usd: 0.025, per: 'GB processed by VPC Lattice', source: 'https://aws.amazon.com/vpc/lattice/pricing/' },
  latticeRequests: { usd: 0.10, per: 'million VPC Lattice requests beyond 300,000 an hour per service', source: 'https://aws.amazon.com/vpc/lattice/pricing/', confirmedBy: 'https://raw.githubusercontent.com/api-evangelist/amazon-vpc-lattice/refs/heads/main/plans/amazon-vpc-lattice-plans-pricing.yml' },
  transitGatewayAttachment: { usd: 0.05, per: 'Transit Gateway VPC attachment hour', source: 'https://aws.amazon.com/transit-gateway/pricing/', confirmedBy: 'https://c3x.dev/blog/aws-transit-gateway-cost-explained/' },
  transitGatewayData: { usd: 0.02, per: 'GB processed by a Transit Gateway', source: 'https://aws.amazon.com/transit-gateway/pricing/', confirmedBy: 'https://c3x.dev/blog/aws-transit-gateway-cost-explained/' },
  crossZoneData: { usd: 0.01, per: 'GB in each direction between Availability Zones (over VPC peering too; free within one zone)', source: 'https://aws.amazon.com/ec2/pricing/on-demand/', confirmedBy: 'https://aws.amazon.com/blogs/networking-and-content-delivery/demystifying-amazon-vpc-peering-charges' },
  httpApiRequests: { usd: 1.0, per: 'million API Gateway HTTP API requests (the first 300 million a month)', source: 'https://aws.amazon.com/api-gateway/pricing/', confirmedBy: 'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html' },
} satisfies Record<string, Price>;

/** What `RouterMonitoring` costs, billed by the month. */
export const MONITORING_PRICES = {
  alarmMetric: { usd: 0.10, per: 'standard-resolution alarm metric a month', source: 'https://aws.amazon.com/cloudwatch/pricing/', confirmedBy: 'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm' },
  dashboard: { usd: 3.0, per: 'dashboard a month', source: 'https://aws.amazon.com/cloudwatch/pricing/', confirmedBy: 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/' },
} satisfies Record<string, Price>;

/** How many of each hourly-billed unit an app holds. */
export type BilledUnits = Record<keyof typeof HOURLY_PRICES, number>;

/** The fixed monthly cost of `units`, in US dollars. */
export function monthlyCostOf(units: BilledUnits): number {
  return (Object.keys(HOURLY_PRICES) as Array<keyof typeof HOURLY_PRICES>)
    .reduce((sum, name) => sum + units[name] * HOURLY_PRICES[name].usd * HOURS_PER_MONTH, 0);
}

/** `amount` as the benchmark and the README print dollars: rounded to cents, with thousands separators. */
export function formatUsd(amount: number): string {
  return `$${(Math.round(amount * 100) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The monthly cost of `count` things billed by the hour at `price`. */
export function monthlyOf(price: Price, count = 1): number {
  return count * price.usd * HOURS_PER_MONTH;
}

/**
 * The billed units of a router and `producers` producers of its own, each reached by one
 * interface endpoint, with the ALB and the endpoints in `zones` Availability Zones; without
 * public IPv4 addresses when the ALB is `DUAL_STACK_WITHOUT_PUBLIC_IPV4`.
 */
export function routerUnits(producers: number, zones = 2, publicIpv4 = true): BilledUnits {
  return {
    applicationLoadBalancer: 1,
    publicIpv4Address: publicIpv4 ? zones : 0,
    networkLoadBalancer: producers,
    interfaceEndpointZone: zones * producers,
  };
}

/**
 * The billed units in CloudFormation templates: load balancers by type, interface endpoints by
 * their subnets (one billed zone each), and an internet-facing ALB's public address per subnet
 * (none without public IPv4).
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
      .filter((resource) => resource.Properties.Scheme === 'internet-facing' && resource.Properties.IpAddressType !== 'dualstack-without-public-ipv4')
      .reduce((sum, resource) => sum + resource.Properties.Subnets.length, 0),
  };
}
