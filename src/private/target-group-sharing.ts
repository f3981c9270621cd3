import type { IConstruct } from 'constructs';
import type { IPrivateLinkProducer } from '../private-link-producer';
import type { PrivateLinkTargetGroup } from '../private-link-target-group';

/**
 * The endpoint and target groups that the routes of one router naming `producer` share; made for
 * `port`, the first such route's, if they do not exist yet. An error in making them is reported
 * as the error of the route at `routePath`, which asked for them.
 */
export type SharedTargetGroupSource = (producer: IPrivateLinkProducer, port: number, routePath: string) => PrivateLinkTargetGroup;

/**
 * The method of a router, under this key, that answers a route it is adding with the router's
 * shared target groups. `Symbol.for`, as the library's other markers; a symbol, so that it stays
 * out of the public API until sharing has one.
 */
const SHARED_TARGET_GROUPS = Symbol.for('cdk-alb-privatelink-router.sharedTargetGroups');

/** Runs `build`, which makes the route `routeId` under the router, lending that route `source`. */
export type SharedTargetGroupLender = <T>(routeId: string, source: SharedTargetGroupSource, build: () => T) => T;

/**
 * Lets `router` lend its shared target groups to the routes it adds, and to no other construct:
 * while the returned lender runs `build`, the router answers `sharedTargetGroupSourceOf` for its
 * child `routeId` only. The route asks only once its own checks pass, so a route they reject
 * leaves the shared groups as they were; a prop would have to be public, and a group made before
 * the route could not wait for them.
 */
export function lendSharedTargetGroups(router: IConstruct): SharedTargetGroupLender {
  let lent: { readonly routeId: string; readonly source: SharedTargetGroupSource } | undefined;
  Object.defineProperty(router, SHARED_TARGET_GROUPS, {
    value: (route: IConstruct) => (lent !== undefined && route.node.id === lent.routeId ? lent.source : undefined),
  });
  return (routeId, source, build) => {
    lent = { routeId, source };
    try {
      return build();
    } finally {
      lent = undefined;
    }
  };
}

/** The shared target groups lent to `route` by the router adding it, if any. */
export function sharedTargetGroupSourceOf(route: IConstruct): SharedTargetGroupSource | undefined {
  const lender = (route.node.scope as unknown as Record<symbol, unknown> | undefined)?.[SHARED_TARGET_GROUPS];
  return typeof lender === 'function' ? lender(route) : undefined;
}
