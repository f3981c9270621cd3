import type { IConstruct } from 'constructs';
import type { PrivateLinkRoute } from '../private-link-route';

/** What each router calls with every route added to it. */
const observers = new WeakMap<IConstruct, Array<(route: PrivateLinkRoute) => void>>();

/**
 * Calls `observer` with each route later added to `router`: the monitoring watches routes added
 * after it was made, without the router knowing the monitoring's class (which would be an
 * import cycle).
 */
export function observeRoutes(router: IConstruct, observer: (route: PrivateLinkRoute) => void): void {
  observers.set(router, [...observers.get(router) ?? [], observer]);
}

/** Tells the observers of `router` that `route` was added to it. */
export function routeAdded(router: IConstruct, route: PrivateLinkRoute): void {
  for (const observer of observers.get(router) ?? []) observer(route);
}
