/**
 * The deploy critical path of a cloud assembly: the longest chain of resource creations, each
 * weighted by a typical creation time, through references and DependsOn within a stack and
 * through stack dependencies (a stack starts when the stacks it imports from have finished).
 *
 * The times are assumptions, not measurements (nothing is deployed from here): load balancers
 * and interface endpoints take minutes to become active, the rest seconds. Change them here.
 */
export const CREATION_SECONDS: Record<string, number> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 180,
  'AWS::EC2::VPCEndpoint': 120,
  'AWS::EC2::Instance': 60,
  'AWS::EC2::NatGateway': 120,
  'AWS::IAM::Role': 15,
  'AWS::IAM::Policy': 15,
  'AWS::Lambda::Function': 10,
  'AWS::EC2::VPCEndpointService': 10,
  'Custom::EndpointIpAddresses': 10,
};
const OTHER_RESOURCE_SECONDS = 5;

/** What the critical-path walk needs of a synthesised stack. */
export interface StackTemplate {
  readonly id: string;
  readonly template: { Resources?: Record<string, { Type: string; DependsOn?: string | string[] }> };
  /** Artifact IDs of the stacks this one deploys after. */
  readonly dependencies: string[];
}

export interface CriticalPath {
  readonly seconds: number;
  /** The resource types along the path, first created first, stacks separated by `|`. */
  readonly chain: string[];
}

/** The longest weighted creation chain over all stacks of an assembly. */
export function criticalPath(stacks: StackTemplate[]): CriticalPath {
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));
  const finished = new Map<string, CriticalPath>();
  const finish = (stack: StackTemplate): CriticalPath => {
    const known = finished.get(stack.id);
    if (known) return known;
    const before = stack.dependencies
      .map((id) => byId.get(id))
      .filter((dependency): dependency is StackTemplate => dependency !== undefined)
      .map(finish)
      .reduce((longest, path) => (path.seconds > longest.seconds ? path : longest), { seconds: 0, chain: [] as string[] });
    const own = longestChainIn(stack.template);
    const path = {
      seconds: before.seconds + own.seconds,
      chain: before.chain.length > 0 ? [...before.chain, '|', ...own.chain] : own.chain,
    };
    finished.set(stack.id, path);
    return path;
  };
  return stacks.map(finish).reduce((longest, path) => (path.seconds > longest.seconds ? path : longest), { seconds: 0, chain: [] });
}

function longestChainIn(template: StackTemplate['template']): CriticalPath {
  const resources = template.Resources ?? {};
  const memo = new Map<string, CriticalPath>();
  const longestEndingAt = (logicalId: string): CriticalPath => {
    const known = memo.get(logicalId);
    if (known) return known;
    const resource = resources[logicalId];
    const prerequisites = [...prerequisitesOf(resource, resources)].map(longestEndingAt);
    const before = prerequisites.reduce((longest, path) => (path.seconds > longest.seconds ? path : longest), { seconds: 0, chain: [] as string[] });
    const path = {
      seconds: before.seconds + (CREATION_SECONDS[resource.Type] ?? OTHER_RESOURCE_SECONDS),
      chain: [...before.chain, resource.Type],
    };
    memo.set(logicalId, path);
    return path;
  };
  return Object.keys(resources).map(longestEndingAt)
    .reduce((longest, path) => (path.seconds > longest.seconds ? path : longest), { seconds: 0, chain: [] });
}

/** The resources of the same template that `resource` refers to or depends on. */
function prerequisitesOf(resource: object, resources: Record<string, unknown>): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') {found.add(inner);} else if (key === 'Fn::GetAtt') {found.add(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);} else if (key === 'DependsOn') {[inner].flat().forEach((id) => found.add(String(id)));} else if (key === 'Fn::Sub') {
          const text = Array.isArray(inner) ? inner[0] : inner;
          for (const match of String(text).matchAll(/\$\{([^}.!]+)/g)) found.add(match[1]);
        }
        visit(inner);
      }
    }
  };
  visit(resource);
  return new Set([...found].filter((id) => id in resources));
}
