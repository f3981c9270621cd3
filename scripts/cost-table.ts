/**
 * Renders the README's cost tables from the price table in bench/prices.ts, so that the README,
 * the benchmark and the prices never disagree.
 *
 *   ts-node --project tsconfig.dev.json scripts/cost-table.ts           rewrite the README blocks
 *   ts-node --project tsconfig.dev.json scripts/cost-table.ts --check   fail if they are out of date
 */
import { writeReadmeBlock } from './readme-block';
import { ALTERNATIVE_PRICES as ALT, formatUsd as usd, HOURLY_PRICES as HOURLY, HOURS_PER_MONTH, MONITORING_PRICES as MONITORING, monthlyCostOf, monthlyOf, routerUnits, USAGE_PRICES as USAGE } from '../bench/prices';
import { MAX_LISTENERS_PER_NLB } from '../src/private/validation';

const ZONES = 2;
/** The metrics RouterMonitoring's alarms read per target group: two health alarms, and an error rate of three. */
const ALARM_METRICS_PER_TARGET_GROUP = 5;
const SERVICES = 10;

const rate = (price: { usd: number; source: string }) =>
  `[$${price.usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}](${price.source})`;
const table = (header: string[], rows: string[][]) =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

const router = monthlyCostOf(routerUnits(0, ZONES));
const routerWithoutPublicIpv4 = monthlyCostOf(routerUnits(0, ZONES, false));
const producerAndEndpoint = monthlyCostOf(routerUnits(1, ZONES)) - router;
/** What a GB through a route costs where bytes are what the capacity units bill (1 GB an hour is one unit). */
const perGigabyte = USAGE.interfaceEndpointData.usd + USAGE.applicationLoadBalancerCapacity.usd + USAGE.networkLoadBalancerCapacity.usd;
/** A router whose `routes` routes reach services of one VPC through as few shared producers as fit. */
const sharedProducers = (routes: number) => monthlyCostOf(routerUnits(Math.ceil(routes / MAX_LISTENERS_PER_NLB), ZONES));

function costTable(): string {
  const perRoute = table(['part', 'billed by the hour', 'a month'], [
    [`the router: an internet-facing ALB in ${ZONES} zones`, `ALB ${rate(HOURLY.applicationLoadBalancer)}, ${ZONES} public IPv4 addresses ${rate(HOURLY.publicIpv4Address)} each`, usd(router)],
    [`the router with public IPv6 only (\`ipAddressType: DUAL_STACK_WITHOUT_PUBLIC_IPV4\`): no public IPv4 address, ${usd(router - routerWithoutPublicIpv4)} less`,
      `ALB ${rate(HOURLY.applicationLoadBalancer)}`, usd(routerWithoutPublicIpv4)],
    [`a route that reaches a producer no other route reaches: its NLB, and an interface endpoint in ${ZONES} zones`,
      `NLB ${rate(HOURLY.networkLoadBalancer)}, endpoint ${rate(HOURLY.interfaceEndpointZone)} per zone`, usd(producerAndEndpoint)],
    [`for the length of a migration with a weighted route (\`producers\`): the new producer's NLB and endpoint in ${ZONES} zones, beside the old one's`,
      'as the row above', `${usd(producerAndEndpoint)} (${usd(producerAndEndpoint * 24 / HOURS_PER_MONTH)} a day)`],
    ['a route to a producer, or a port of one, that another route reaches already', 'nothing', usd(0)],
    ['one more service behind a shared producer (`addPort`)', 'nothing', usd(0)],
  ]);
  const byRoutes = table(['routes', 'a producer each', `services of one VPC behind shared producers (up to ${MAX_LISTENERS_PER_NLB} ports each)`],
    [1, SERVICES, 50, 100].map((routes) => [String(routes), usd(monthlyCostOf(routerUnits(routes, ZONES))), usd(sharedProducers(routes))]));
  return [
    `Fixed monthly cost at US East (N. Virginia) list prices, ${HOURS_PER_MONTH} hours a month, before traffic:`,
    '',
    perRoute,
    '',
    byRoutes,
    '',
    `Traffic adds ${rate(USAGE.interfaceEndpointData)} per ${USAGE.interfaceEndpointData.per}, and the load balancers' capacity units:`,
    `${rate(USAGE.applicationLoadBalancerCapacity)} per ${USAGE.applicationLoadBalancerCapacity.per}, and`,
    `${rate(USAGE.networkLoadBalancerCapacity)} per ${USAGE.networkLoadBalancerCapacity.per}. Where bytes are what`,
    `the capacity units bill, a GB through a route costs about $${perGigabyte.toFixed(3)} (endpoint, ALB and NLB).`,
    '',
    `\`RouterMonitoring\` adds, per watched target group, up to ${ALARM_METRICS_PER_TARGET_GROUP} alarm metrics at ${rate(MONITORING.alarmMetric)} per`,
    `${MONITORING.alarmMetric.per} (up to ${usd(ALARM_METRICS_PER_TARGET_GROUP * MONITORING.alarmMetric.usd)}; the error-rate alarm reads three metrics), and one dashboard at`,
    `${rate(MONITORING.dashboard)} per ${MONITORING.dashboard.per}.`,
  ].join('\n');
}

function alternatives(): string {
  const alb = monthlyOf(HOURLY.applicationLoadBalancer) + monthlyOf(HOURLY.publicIpv4Address, ZONES);
  const rows: string[][] = [
    [
      'this library, a producer per service',
      'nothing of the service VPCs: their CIDRs may overlap, and they may be in other accounts or Regions',
      usd(monthlyCostOf(routerUnits(SERVICES, ZONES))),
      `about $${perGigabyte.toFixed(3)} a GB (see above)`,
      'carries HTTP only (the ALB in front); one NLB per service counts against the [50 NLBs per Region](https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html)',
    ],
    [
      'this library, services of one VPC behind one producer',
      'the services in one VPC; they share one endpoint service and its allowed principals',
      usd(sharedProducers(SERVICES)),
      'the same',
      `at most ${MAX_LISTENERS_PER_NLB} services per producer (listeners per NLB)`,
    ],
    [
      '[VPC Lattice](https://docs.aws.amazon.com/vpc-lattice/latest/ug/what-is-vpc-lattice.html), one Lattice service per service',
      'a service network, [associated with the client VPC or reached through a service-network endpoint](https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-networks.html); path and header rules, sharing through AWS RAM',
      `${usd(monthlyOf(ALT.latticeService, SERVICES))}, plus a proxy for internet clients`,
      `${rate(ALT.latticeData)} a GB, ${rate(ALT.latticeRequests)} per ${ALT.latticeRequests.per}`,
      '[cannot be reached from the internet](https://docs.aws.amazon.com/vpc-lattice/latest/ug/how-it-works.html): clients must be in a connected VPC, so public traffic needs [a proxy of your own in front](https://aws.amazon.com/solutions/guidance/external-connectivity-to-amazon-vpc-lattice/)',
    ],
    [
      'Transit Gateway, ALB with IP targets in the service VPCs',
      'service VPCs whose CIDRs do not overlap ([an overlapping one is not propagated](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-transitgatewayattachment.html)), routes both ways, and the services\' private IPs registered with the ALB (an ALB takes [IP targets outside its VPC in private ranges](https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-type))',
      `${usd(monthlyOf(ALT.transitGatewayAttachment, SERVICES + 1) + alb)} (${SERVICES + 1} attachments and the ALB)`,
      `${rate(ALT.transitGatewayData)} a GB`,
      'overlapping CIDRs; targets whose IPs change (Auto Scaling, tasks) need registering by something else',
    ],
    [
      'VPC peering, ALB with IP targets in the service VPCs',
      '[CIDRs that do not overlap](https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html), one peering per service VPC ([50 active per VPC by default, 125 at most](https://docs.aws.amazon.com/general/latest/gr/vpc-service.html)), IP registration as above',
      `${usd(alb)} (the ALB only)`,
      `none within one zone, ${rate(ALT.crossZoneData)} a GB each way across zones`,
      'overlapping CIDRs; more than 125 service VPCs; [transitive routing](https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/vpc-peering.html)',
    ],
    [
      'API Gateway HTTP API with [VPC links](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html)',
      'in each service VPC an ALB, NLB or Cloud Map service, in the API\'s account; one VPC link per VPC',
      `${usd(monthlyOf(HOURLY.networkLoadBalancer, SERVICES))} (an NLB per VPC; no ALB, no endpoints)`,
      `${rate(ALT.httpApiRequests)} per ${ALT.httpApiRequests.per}`,
      '[30-second integration timeout, 10 MB payloads, 10 VPC links per Region](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html); services in other accounts',
    ],
  ];
  return [
    `${SERVICES} HTTP services, each in a VPC of its own unless the row says otherwise, one public entry point, US East (N. Virginia):`,
    '',
    table(['option', 'what it needs', `fixed cost a month for ${SERVICES} services`, 'traffic', 'what it cannot do'], rows),
  ].join('\n');
}

const check = process.argv.includes('--check');
const regenerate = 'npx projen docs:costs';
writeReadmeBlock('cost-table', costTable(), check, regenerate);
writeReadmeBlock('alternatives', alternatives(), check, regenerate);
