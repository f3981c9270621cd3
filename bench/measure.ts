/**
 * Synthesises one benchmark case and prints its measurements as JSON. Run in a process of its
 * own per case (see bench.ts), so that peak memory belongs to that case alone.
 *
 *   measure.ts <construct|hand-written> <producer-stacks|one-stack> <routes>
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { criticalPath } from './critical-path';
import { billedUnitsOf, monthlyCostOf } from './prices';
import { buildApp, CONSUMER_STACK_ID, Implementation, Layout } from './scenarios';

/** What one case measured. */
export interface Measurement {
  readonly implementation: Implementation;
  readonly layout: Layout;
  readonly routes: number;
  readonly stacks: number;
  /** All resources of the consumer stack (CloudFormation allows 500). */
  readonly consumerResources: number;
  /** Routing resources in the consumer VPC: all but the services' own VPCs and servers and the producers. */
  readonly consumerSideResources: number;
  /** Routing resources in the producer VPCs: NLBs, their target groups, endpoint services, rules. */
  readonly producerSideResources: number;
  readonly largestTemplateBytes: number;
  readonly synthSeconds: number;
  readonly peakRssMegabytes: number;
  readonly criticalPathSeconds: number;
  readonly criticalPathChain: string[];
  /** The fixed monthly cost of the app's routing (bench/prices.ts), in US dollars. */
  readonly monthlyUsd: number;
}

function measure(implementation: Implementation, layout: Layout, routes: number): Measurement {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const started = process.hrtime.bigint();
    const assembly = buildApp(implementation, layout, routes, outdir).synth();
    const synthSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const stacks = assembly.stacks.map((stack) => ({
      id: stack.id,
      template: stack.template,
      dependencies: stack.dependencies.map((dependency) => dependency.id),
      bytes: JSON.stringify(stack.template).length,
    }));
    const consumer = stacks.find((stack) => stack.id === CONSUMER_STACK_ID)!;
    const sides = stacks.flatMap((stack) => Object.values<any>(stack.template.Resources ?? {})
      .map((resource) => ({ stack, side: sideOf(resource.Metadata?.['aws:cdk:path'] ?? '') })));
    const path = criticalPath(stacks);
    return {
      implementation,
      layout,
      routes,
      stacks: stacks.length,
      consumerResources: sides.filter(({ stack }) => stack === consumer).length,
      consumerSideResources: sides.filter(({ side }) => side === 'consumer').length,
      producerSideResources: sides.filter(({ side }) => side === 'producer').length,
      largestTemplateBytes: Math.max(...stacks.map((stack) => stack.bytes)),
      synthSeconds,
      peakRssMegabytes: process.resourceUsage().maxRSS / 1024,
      criticalPathSeconds: path.seconds,
      criticalPathChain: path.chain,
      monthlyUsd: monthlyCostOf(billedUnitsOf(stacks.map((stack) => stack.template))),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Which side a resource is on, by its construct path: a service's own VPC and servers (which
 * exist without any routing), the producer side (everything else under a service, or a
 * route's `Producer`), or the consumer side.
 */
function sideOf(constructPath: string): 'service' | 'producer' | 'consumer' {
  if (/\/Service\/(Vpc|WebServer\d+)\//.test(constructPath) || constructPath.endsWith('/Service/WebServerSecurityGroup/Resource')) {
    return 'service';
  }
  // A route's own producer is named after its VPC: `Producer<VPC's unique ID>`.
  return constructPath.includes('/Service/') || /\/Producer[^/]*\//.test(constructPath) ? 'producer' : 'consumer';
}

if (require.main === module) {
  const [implementation, layout, routes] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(measure(implementation as Implementation, layout as Layout, Number(routes))));
}
