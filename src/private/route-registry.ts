import { Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct, IConstruct } from 'constructs';
import { ListenerRoute, listenerKeyOf } from './route-match';

/**
 * The property that holds a registry's routes, and marks the construct as a registry. `Symbol.for`,
 * so that every copy of the library in an app (two versions side by side) reads the same routes.
 */
const ROUTES_SYMBOL = Symbol.for('cdk-alb-privatelink-router.ListenerRoutes');

/**
 * The construct ID of the registry of one listener's routes in a stack: a child of the stack,
 * named after the listener (its logical ID, or a hash of an imported ARN). Every copy of the
 * library derives the same ID, so a second copy finds the first one's registry rather than
 * making its own.
 */
export function routeRegistryIdOf(listenerKey: string): string {
  return `cdk-alb-privatelink-router.Routes-${listenerKey}`;
}

/**
 * The routes already added to `listener` in `scope`'s stack, by any router, any `PrivateLinkRoute`
 * and any copy of the library; the caller adds its route once it is built.
 *
 * They live on a registry construct, a child of the stack with the ID `routeRegistryIdOf` gives:
 * found through the construct tree, not a module's memory, so all copies of the library see them.
 * The registry is a plain `Construct` with no children: it adds no resource and no metadata to
 * the template.
 */
export function routesOnListener(scope: IConstruct, listener: elbv2.IApplicationListener): ListenerRoute[] {
  const stack = Stack.of(scope);
  const id = routeRegistryIdOf(listenerKeyOf(scope, listener));
  const existing = stack.node.tryFindChild(id);
  if (existing === undefined) {
    const registry = new Construct(stack, id);
    const routes: ListenerRoute[] = [];
    Object.defineProperty(registry, ROUTES_SYMBOL, { value: routes });
    return routes;
  }
  const routes = (existing as unknown as Record<symbol, unknown>)[ROUTES_SYMBOL];
  if (!Array.isArray(routes)) {
    throw new Error(`${existing.node.path}: id: the construct ID '${id}' is the one routes on listener '${listener.node.path}' keep their registry under; give this construct another ID.`);
  }
  return routes;
}
