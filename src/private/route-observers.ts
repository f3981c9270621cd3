import type { IConstruct } from 'constructs';
import type { PrivateLinkRoute } from '../private-link-route';

/**
 * The method of a router, under this key, that takes one more observer of the routes added to
 * it. `Symbol.for`, so that a monitoring of any copy of the library finds it; a symbol, so that
 * it stays out of the public API.
 */
const OBSERVE_ROUTES = Symbol.for('cdk-alb-privatelink-router.observeRoutes');

type RouteObserver = (route: PrivateLinkRoute) => void;

/**
 * Lets `router` be observed: gives it the method `observeRoutes` calls, and returns the function
 * that tells its observers of a route added to it. The observers live on the router itself.
 */
export function makeRoutesObservable(router: IConstruct): (route: PrivateLinkRoute) => void {
  const observers: RouteObserver[] = [];
  Object.defineProperty(router, OBSERVE_ROUTES, { value: (observer: RouteObserver) => observers.push(observer) });
  return (route) => observers.forEach((observer) => observer(route));
}

/**
 * Calls `observer` with each route later added to `router`: the monitoring watches routes added
 * after it was made, without the router knowing the monitoring's class (which would be an
 * import cycle).
 */
export function observeRoutes(router: IConstruct, observer: RouteObserver): void {
  const observe = (router as unknown as Record<symbol, unknown>)[OBSERVE_ROUTES];
  if (typeof observe !== 'function') {
    throw new Error(`${router.node.path}: router: is not an AlbPrivateLinkRouter whose routes can be observed.`);
  }
  observe(observer);
}
