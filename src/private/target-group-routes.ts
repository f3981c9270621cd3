import { Annotations } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IConstruct } from 'constructs';

/**
 * The property of an ALB target group that holds the routes forwarding to it. `Symbol.for`, so
 * that routes of every copy of the library in an app see each other on a shared group.
 */
const ROUTES_SYMBOL = Symbol.for('cdk-alb-privatelink-router.TargetGroupRoutes');

/** A route forwarding to a target group, as the checks across its routes need it. */
interface TargetGroupRoute {
  readonly constructPath: string;
  /** The kind of the route's authentication (`OIDC`, `Cognito`, `JWT`); undefined for an open route. */
  readonly authentication?: string;
}

/**
 * Records that `route` forwards to `targetGroup`, and warns when another route forwards to it
 * with authentication and this one without, or the other way round. Routes may differ so, as
 * authentication belongs to the rule; but the open route's paths then reach the service the
 * authenticated route protects, its authenticated paths included (ALB matches the path as sent,
 * so `/shop/%2e%2e/admin/` matches an open `/shop`).
 */
export function recordRouteOnTargetGroup(route: IConstruct, targetGroup: elbv2.IApplicationTargetGroup,
  authentication: string | undefined, producerLabel: string): void {
  const routes = routesOf(targetGroup);
  const other = routes.find((existing) => (existing.authentication === undefined) !== (authentication === undefined));
  if (other !== undefined) {
    const [authenticated, open] = authentication === undefined
      ? [other.constructPath, route.node.path]
      : [route.node.path, other.constructPath];
    Annotations.of(route).addWarningV2('cdk-alb-privatelink-router:authenticatedSharesTargetGroup',
      `${route.node.path}: authentication: route '${authenticated}' is authenticated and route '${open}' is open, and both forward to ${producerLabel}'s target group, so the open route's paths reach the service the other protects, its protected paths included by a path the open route matches (see the README's threat model); give the authenticated route a producer or port of its own, or have the service verify the identity ALB passes it.`);
  }
  routes.push({ constructPath: route.node.path, authentication });
}

function routesOf(targetGroup: elbv2.IApplicationTargetGroup): TargetGroupRoute[] {
  const holder = targetGroup as unknown as Record<symbol, TargetGroupRoute[] | undefined>;
  const existing = holder[ROUTES_SYMBOL];
  if (existing !== undefined) {
    return existing;
  }
  const routes: TargetGroupRoute[] = [];
  Object.defineProperty(targetGroup, ROUTES_SYMBOL, { value: routes });
  return routes;
}
