/**
 * Benchmark: synthesises the router with 1 to 100 routes, next to the same architecture written
 * by hand with aws-cdk-lib, and prints Markdown tables (see docs/benchmark.md).
 *
 *   npx projen bench            # compiles the library first
 *   npx projen bench -- --runs 5 --routes 1,10,100
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Measurement } from './measure';
import { billedUnitsOf, formatUsd, HOURLY_PRICES, HOURS_PER_MONTH, monthlyCostOf } from './prices';
import { buildServicesInOneVpc, CONSUMER_STACK_ID, Implementation, Layout, Publishing, SERVICES_STACK_ID } from './scenarios';

const CLOUDFORMATION_MAX_RESOURCES = 500;
const CLOUDFORMATION_MAX_TEMPLATE_BYTES = 1_000_000;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const ROUTES = option('routes', '1,10,25,50,100').split(',').map(Number);
const SERVICES = option('services', '1,5,10,25').split(',').map(Number);
const RUNS = Number(option('runs', '3'));
const CASES: Array<[Implementation, Layout]> = [
  ['construct', 'producer-stacks'],
  ['hand-written', 'producer-stacks'],
  ['construct', 'one-stack'],
  ['hand-written', 'one-stack'],
];

/** Runs one case `RUNS` times, each in a fresh process; keeps the median synth time. */
function run(implementation: Implementation, layout: Layout, routes: number): Measurement {
  const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath,
    [...process.execArgv, join(__dirname, 'measure.ts'), implementation, layout, String(routes)],
    { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 })) as Measurement);
  const bySynthTime = [...runs].sort((a, b) => a.synthSeconds - b.synthSeconds);
  return {
    ...bySynthTime[Math.floor(RUNS / 2)],
    peakRssMegabytes: Math.max(...runs.map((measured) => measured.peakRssMegabytes)),
  };
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A measurement with the consumer-side resources the same case has with no route at all. */
type Result = Measurement & { readonly consumerSideWithoutRoutes: number };

const results: Result[] = [];
for (const [implementation, layout] of CASES) {
  const withoutRoutes = run(implementation, layout, 0).consumerSideResources;
  for (const routes of ROUTES) {
    const measured = run(implementation, layout, routes);
    results.push({ ...measured, consumerSideWithoutRoutes: withoutRoutes });
    process.stderr.write(`${implementation} ${layout} ${routes}: ${measured.synthSeconds.toFixed(2)} s\n`);
  }
}

const perRoute = (value: number, routes: number) => (value / routes).toFixed(1);
console.log(`Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB; median of ${RUNS} runs per row.\n`);
console.log(table(
  ['implementation', 'producers', 'routes', 'stacks', 'consumer stack resources', 'consumer side / route', 'producer side / route',
    'largest template (KB)', 'synth (s)', 'synth / route (ms)', 'peak RSS (MB)', 'critical path (min)', 'fixed cost / month', 'fixed cost / route / month'],
  results.map((measured) => [
    measured.implementation,
    measured.layout === 'one-stack' ? 'in the consumer stack' : 'own stacks',
    measured.routes,
    measured.stacks,
    measured.consumerResources > CLOUDFORMATION_MAX_RESOURCES ? `**${measured.consumerResources} (over 500)**` : measured.consumerResources,
    perRoute(measured.consumerSideResources - measured.consumerSideWithoutRoutes, measured.routes),
    perRoute(measured.producerSideResources, measured.routes),
    measured.largestTemplateBytes > CLOUDFORMATION_MAX_TEMPLATE_BYTES
      ? `**${(measured.largestTemplateBytes / 1000).toFixed(0)} (over 1 MB)**`
      : (measured.largestTemplateBytes / 1000).toFixed(0),
    measured.synthSeconds.toFixed(2),
    (1000 * measured.synthSeconds / measured.routes).toFixed(0),
    measured.peakRssMegabytes.toFixed(0),
    (measured.criticalPathSeconds / 60).toFixed(1),
    formatUsd(measured.monthlyUsd),
    formatUsd(measured.monthlyUsd / measured.routes),
  ]),
));

console.log('\nConstruct relative to hand-written, same producers layout and route count:\n');
const ratioRows = results.filter((measured) => measured.implementation === 'construct').map((construct) => {
  const baseline = results.find((other) => other.implementation === 'hand-written'
    && other.layout === construct.layout && other.routes === construct.routes)!;
  return [
    construct.layout === 'one-stack' ? 'in the consumer stack' : 'own stacks',
    construct.routes,
    (construct.synthSeconds / baseline.synthSeconds).toFixed(2),
    (construct.consumerResources / baseline.consumerResources).toFixed(2),
    (construct.largestTemplateBytes / baseline.largestTemplateBytes).toFixed(2),
    (construct.criticalPathSeconds / baseline.criticalPathSeconds).toFixed(2),
  ];
});
console.log(table(['producers', 'routes', 'synth time', 'consumer stack resources', 'largest template', 'critical path'], ratioRows));

const longest = results.reduce((a, b) => (b.criticalPathSeconds > a.criticalPathSeconds ? b : a));
console.log(`\nLongest critical path (${longest.implementation}, ${longest.layout}, ${longest.routes} routes): ${longest.criticalPathChain.join(' → ')}`);

/** What routing `services` services of one VPC costs, published as `publishing` says, with an ALB of `ipAddressType`. */
function servicesInOneVpc(services: number, publishing: Publishing, ipAddressType?: elbv2.IpAddressType) {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const assembly = buildServicesInOneVpc(services, publishing, outdir, ipAddressType).synth();
    const templates = assembly.stacks.map((stack) => stack.template);
    const resourcesOf = (id: string) => Object.values<any>(assembly.getStackByName(id).template.Resources);
    const resources = [...resourcesOf(CONSUMER_STACK_ID), ...resourcesOf(SERVICES_STACK_ID)];
    const count = (type: string) => resources.filter((resource) => resource.Type === type).length;
    return {
      services,
      publishing: ipAddressType === elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4 ? `${publishing}, ALB without public IPv4` : publishing,
      loadBalancers: count('AWS::ElasticLoadBalancingV2::LoadBalancer') - 1,
      listeners: resources.filter((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::Listener'
        && resource.Metadata?.['aws:cdk:path']?.startsWith(`${SERVICES_STACK_ID}/`)).length,
      endpointServices: count('AWS::EC2::VPCEndpointService'),
      endpoints: count('AWS::EC2::VPCEndpoint'),
      consumerResources: resourcesOf(CONSUMER_STACK_ID).length,
      // The services' VPC and servers exist without any routing; the producers are the rest.
      producerResources: resourcesOf(SERVICES_STACK_ID)
        .filter((resource) => /^Services\/Producer/.test(resource.Metadata?.['aws:cdk:path'] ?? '')).length,
      monthlyUsd: monthlyCostOf(billedUnitsOf(templates)),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

console.log(`\nServices in one VPC, each on a port of its own: one producer serving every port (\`addPort\`) or a producer each, and one producer behind an ALB without public IPv4 (\`DUAL_STACK_WITHOUT_PUBLIC_IPV4\`). Fixed monthly cost of the routing (ALB, its public IPv4 addresses where it has them, NLBs, interface endpoints per zone) at the list prices in bench/prices.ts, ${HOURS_PER_MONTH} hours:\n`);
const costRows = SERVICES.flatMap((services) => {
  const each = servicesInOneVpc(services, 'a producer each');
  const one = servicesInOneVpc(services, 'one producer');
  const withoutPublicIpv4 = servicesInOneVpc(services, 'one producer', elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4);
  return [each, one, withoutPublicIpv4].map((measured) => [
    measured.services,
    measured.publishing,
    measured.loadBalancers,
    measured.listeners,
    measured.endpointServices,
    measured.endpoints,
    measured.consumerResources,
    measured.producerResources,
    formatUsd(measured.monthlyUsd),
    (measured.monthlyUsd / each.monthlyUsd).toFixed(2),
  ]);
});
console.log(table(['services', 'published by', 'NLBs', 'NLB listeners', 'endpoint services', 'interface endpoints',
  'consumer stack resources', 'producer resources', 'fixed cost / month', 'cost relative to a producer each'], costRows));
console.log(`\nPrices: ${Object.values(HOURLY_PRICES).map((price) => `$${price.usd} per ${price.per} (${price.source})`).join('; ')}.`);
