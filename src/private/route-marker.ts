import { IConstruct } from 'constructs';

/**
 * Marks a `PrivateLinkRoute`, so that a producer can tell that a route created it without
 * importing the route (which imports the producer). `Symbol.for`, so that copies of the library
 * agree.
 */
const ROUTE_SYMBOL = Symbol.for('cdk-alb-privatelink-router.PrivateLinkRoute');

export function markAsRoute(route: IConstruct): void {
  Object.defineProperty(route, ROUTE_SYMBOL, { value: true });
}

/** Whether `construct` is inside a `PrivateLinkRoute`. */
export function isInRoute(construct: IConstruct): boolean {
  return construct.node.scopes.some((scope) => ROUTE_SYMBOL in scope);
}
