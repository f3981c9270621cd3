/**
 * Draws the three-VPC example as a Mermaid flowchart in README.md, from its synthesised template.
 *
 *   ts-node --project tsconfig.dev.json scripts/architecture-diagram.ts           rewrite the README block
 *   ts-node --project tsconfig.dev.json scripts/architecture-diagram.ts --check   fail if it is out of date
 *
 * Everything is found by following Ref and Fn::GetAtt from the ALB, never by logical ID or count:
 * listener -> rule -> target group -> (IP lookup) -> interface endpoint -> endpoint service -> NLB
 * -> listener -> target group -> instances, with each resource placed in the VPC of its subnets.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { writeReadmeBlock } from './readme-block';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';

/** The stack name `npx cdk synth` uses (integ/three-vpc-app.ts); Name tags start with it. */
const STACK_NAME = 'AlbPrivateLinkRouterExample';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}
type Resources = Record<string, Resource>;

/** Logical IDs that a template value refers to through Ref or Fn::GetAtt (not pseudo parameters). */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(referencesIn);
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) {
      found.push(inner);
    } else if (key === 'Fn::GetAtt') {
      found.push(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);
    } else {
      found.push(...referencesIn(inner));
    }
  }
  return [...new Set(found)];
}

class Template {
  constructor(private readonly resources: Resources) {}

  resource(id: string): Resource {
    const resource = this.resources[id];
    if (!resource) {
      throw new Error(`the template has no resource ${id}`);
    }
    return resource;
  }

  props(id: string): Record<string, any> {
    return this.resource(id).Properties ?? {};
  }

  ofType(type: string): string[] {
    return Object.keys(this.resources).filter(id => this.resources[id].Type === type).sort();
  }

  /** Resources of `type` that `value` (part of some resource's properties) refers to. */
  referencedOfType(value: unknown, type: string): string[] {
    return referencesIn(value).filter(id => this.resources[id]?.Type === type);
  }

  /** Resources of `type` whose property `property` refers to `target`. */
  referringTo(type: string, property: string, target: string): string[] {
    return this.ofType(type).filter(id => referencesIn(this.props(id)[property]).includes(target));
  }

  /** The one VPC a resource is in: referenced directly, or through its subnets or security groups. */
  vpcOf(id: string): string {
    const direct = referencesIn(this.props(id));
    const vpcs = new Set(direct.filter(ref => this.resources[ref]?.Type === 'AWS::EC2::VPC'));
    for (const ref of direct) {
      if (['AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup'].includes(this.resources[ref]?.Type)) {
        this.referencedOfType(this.props(ref).VpcId, 'AWS::EC2::VPC').forEach(vpc => vpcs.add(vpc));
      }
    }
    if (vpcs.size !== 1) {
      throw new Error(`${id} should be in exactly one VPC, found ${vpcs.size}`);
    }
    return [...vpcs][0];
  }

  /** The resource's Name tag without the stack's path prefix, e.g. `Vpc2/WebServerA`. */
  name(id: string): string {
    const tags: Array<{ Key: string; Value: unknown }> = this.props(id).Tags ?? [];
    const name = tags.find(tag => tag.Key === 'Name')?.Value;
    return typeof name === 'string' ? name.replace(`${STACK_NAME}/`, '') : id;
  }
}

/** Mermaid node and edge lines, with node IDs numbered in the order they are first drawn. */
class Flowchart {
  private readonly nodeIds = new Map<string, string>();
  private readonly nodesByVpc = new Map<string, string[]>();
  private readonly edges: string[] = [];

  node(logicalId: string, kind: string, label: string, vpc?: string): string {
    let nodeId = this.nodeIds.get(logicalId);
    if (!nodeId) {
      nodeId = `${kind}${[...this.nodeIds.values()].filter(id => id.startsWith(kind)).length + 1}`;
      this.nodeIds.set(logicalId, nodeId);
      const shape = kind === 'client' ? `(["${label}"])` : kind === 'service' ? `{{"${label}"}}` : `["${label}"]`;
      const line = `${nodeId}${shape}`;
      this.nodesByVpc.set(vpc ?? '', [...(this.nodesByVpc.get(vpc ?? '') ?? []), line]);
    }
    return nodeId;
  }

  edge(from: string, to: string, label?: string, arrow = '-->'): void {
    const line = label ? `${from} ${arrow}|"${label}"| ${to}` : `${from} ${arrow} ${to}`;
    if (!this.edges.includes(line)) {
      this.edges.push(line);
    }
  }

  render(vpcLabel: (vpc: string) => string): string {
    const lines = ['flowchart LR'];
    let subgraph = 0;
    for (const [vpc, nodes] of this.nodesByVpc) {
      if (vpc === '') {
        lines.push(...nodes.map(node => `  ${node}`));
      } else {
        lines.push(`  subgraph vpc${++subgraph}["${vpcLabel(vpc)}"]`, ...nodes.map(node => `    ${node}`), '  end');
      }
    }
    lines.push(...this.edges.map(edge => `  ${edge}`));
    return lines.join('\n');
  }
}

function listenerLabel(props: Record<string, any>): string {
  return `${props.Protocol} :${props.Port}`;
}

function architectureDiagram(resources: Resources): string {
  const template = new Template(resources);
  const chart = new Flowchart();
  const albs = template.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')
    .filter(id => (template.props(id).Type ?? 'application') === 'application');
  if (albs.length === 0) {
    throw new Error('the template has no Application Load Balancer');
  }

  for (const alb of albs) {
    const albProps = template.props(alb);
    const client = chart.node('client', 'client', 'client');
    for (const listener of template.referringTo('AWS::ElasticLoadBalancingV2::Listener', 'LoadBalancerArn', alb)) {
      const listenerProps = template.props(listener);
      const fallback = listenerProps.DefaultActions?.[0]?.FixedResponseConfig?.StatusCode;
      const albNode = chart.node(alb, 'alb',
        `ALB, ${albProps.Scheme}<br/>${listenerLabel(listenerProps)}${fallback ? `, other paths: ${fallback}` : ''}`,
        template.vpcOf(alb));
      chart.edge(client, albNode, listenerLabel(listenerProps));

      const rules = template.referringTo('AWS::ElasticLoadBalancingV2::ListenerRule', 'ListenerArn', listener)
        .sort((a, b) => template.props(a).Priority - template.props(b).Priority);
      for (const rule of rules) {
        drawRoute(template, chart, albNode, rule);
      }
    }
  }
  return chart.render(vpc => `${template.name(vpc)} · ${template.props(vpc).CidrBlock}`);
}

/** One listener rule, from the ALB to the instances behind its endpoint. */
function drawRoute(template: Template, chart: Flowchart, albNode: string, rule: string): void {
  const ruleProps = template.props(rule);
  const paths = (ruleProps.Conditions as any[])
    .filter(condition => condition.Field === 'path-pattern')
    .flatMap(condition => condition.PathPatternConfig?.Values ?? condition.Values);
  const targetGroups = template.referencedOfType(ruleProps.Actions, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  for (const targetGroup of targetGroups) {
    const targetGroupProps = template.props(targetGroup);
    // An ip target names the endpoint's addresses through the lookup that found them.
    const endpoints = referencesIn(targetGroupProps.Targets).flatMap(target =>
      template.resource(target).Type === 'AWS::EC2::VPCEndpoint'
        ? [target]
        : template.referencedOfType(template.props(target), 'AWS::EC2::VPCEndpoint'));
    if (endpoints.length === 0) {
      throw new Error(`listener rule ${rule} does not lead to an interface endpoint`);
    }
    for (const endpoint of new Set(endpoints)) {
      const endpointProps = template.props(endpoint);
      const endpointNode = chart.node(endpoint, 'endpoint',
        `interface endpoint<br/>${endpointProps.SubnetIds.length} subnets`, template.vpcOf(endpoint));
      chart.edge(albNode, endpointNode,
        `${paths.join(', ')}<br/>${targetGroupProps.Protocol} :${targetGroupProps.Port}`);
      for (const service of template.referencedOfType(endpointProps.ServiceName, 'AWS::EC2::VPCEndpointService')) {
        drawService(template, chart, endpointNode, service);
      }
    }
  }
}

/** An endpoint service, its NLBs and their targets, drawn in the NLBs' VPC. */
function drawService(template: Template, chart: Flowchart, endpointNode: string, service: string): void {
  const nlbs = template.referencedOfType(template.props(service).NetworkLoadBalancerArns,
    'AWS::ElasticLoadBalancingV2::LoadBalancer');
  for (const nlb of nlbs) {
    const vpc = template.vpcOf(nlb);
    const serviceNode = chart.node(service, 'service', 'endpoint service', vpc);
    chart.edge(endpointNode, serviceNode, 'PrivateLink', '==>');
    const nlbNode = chart.node(nlb, 'nlb', `NLB, ${template.props(nlb).Scheme}`, vpc);
    chart.edge(serviceNode, nlbNode);
    for (const listener of template.referringTo('AWS::ElasticLoadBalancingV2::Listener', 'LoadBalancerArn', nlb)) {
      const listenerProps = template.props(listener);
      const targetGroups = template.referencedOfType(listenerProps.DefaultActions,
        'AWS::ElasticLoadBalancingV2::TargetGroup');
      for (const targetGroup of targetGroups) {
        const targetGroupProps = template.props(targetGroup);
        for (const instance of template.referencedOfType(targetGroupProps.Targets, 'AWS::EC2::Instance')) {
          const instanceNode = chart.node(instance, 'instance',
            `${template.name(instance)}<br/>${template.props(instance).InstanceType}`, template.vpcOf(instance));
          chart.edge(nlbNode, instanceNode, `${targetGroupProps.Protocol} :${targetGroupProps.Port}`);
        }
      }
    }
  }
}

function synthesiseExample(): Resources {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'architecture-diagram-'));
  try {
    const app = new App({ outdir });
    new ThreeVpcExampleStack(app, STACK_NAME);
    return app.synth().getStackByName(STACK_NAME).template.Resources;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const diagram = architectureDiagram(synthesiseExample());
  writeReadmeBlock('architecture-diagram', '```mermaid\n' + diagram + '\n```',
    process.argv.includes('--check'), 'npx projen docs:diagram');
}
