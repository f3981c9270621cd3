import type { IPrivateLinkProducer } from '../private-link-producer';
import type { PrivateLinkTargetGroup } from '../private-link-target-group';

/**
 * The endpoint and target groups that the routes of one router naming `producer` share; made for
 * `port`, the first such route's, if they do not exist yet. An error in making them is reported
 * as the error of the route at `routePath`, which asked for them.
 */
export type SharedTargetGroupSource = (producer: IPrivateLinkProducer, port: number, routePath: string) => PrivateLinkTargetGroup;

/** The source each router lent the props of the routes it creates. */
const sources = new WeakMap<object, SharedTargetGroupSource>();

/**
 * Lends the route made with `props` the router's shared target groups. The route asks for one
 * only once its own checks pass, so a route they reject leaves the shared groups as they were;
 * a prop would have to be public, and a group made before the route could not wait for them.
 */
export function withSharedTargetGroups<T extends object>(props: T, source: SharedTargetGroupSource): T {
  sources.set(props, source);
  return props;
}

/** The shared target groups lent to the route made with `props`, if any. */
export function sharedTargetGroupSourceOf(props: object): SharedTargetGroupSource | undefined {
  return sources.get(props);
}
