import { Annotations, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';

/**
 * The load balancer whose listeners a consumer serves, kept on the consumer under this key;
 * `Symbol.for`, so that routes of two copies of the library see each other's.
 */
const SERVED_LOAD_BALANCER = Symbol.for('cdk-alb-privatelink-router.servedLoadBalancer');

/** A load balancer as far as synthesis can tell it apart: by its construct, or by its ARN. */
interface LoadBalancerIdentity {
  /** `construct:<path>` or `arn:<literal ARN>`; only keys of one kind can be compared. */
  readonly key: string;
  /** How an error names it. */
  readonly name: string;
  /** The first route of the consumer on this load balancer. */
  readonly routePath: string;
}

/**
 * The load balancer of `listener`: the ALB construct of a listener the app defines, or the
 * load-balancer part of a literal listener ARN; undefined when the ARN is a token.
 */
function loadBalancerOf(listener: elbv2.IApplicationListener, routePath: string): LoadBalancerIdentity | undefined {
  if (listener instanceof elbv2.ApplicationListener) {
    return { key: `construct:${listener.loadBalancer.node.path}`, name: listener.loadBalancer.node.path, routePath };
  }
  const arn = listener.listenerArn;
  // arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<listener id>
  const match = Token.isUnresolved(arn) ? null : /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener\/(app\/[^/]+\/[^/]+)\/[^/]+$/.exec(arn);
  return match ? { key: `arn:${match[1]}loadbalancer/${match[2]}`, name: `${match[1]}loadbalancer/${match[2]}`, routePath } : undefined;
}

/**
 * Records that `route`, on `listener`, uses `consumer`; fails when a route of
 * another load balancer used it. ELB uses each target group with one load balancer only, and
 * the consumer's endpoints share one security group, which would admit every such ALB to each:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html
 */
export function recordServedLoadBalancer(route: IConstruct, consumer: IConstruct, listener: elbv2.IApplicationListener): void {
  const routePath = route.node.path;
  const current = loadBalancerOf(listener, routePath);
  if (current === undefined) {
    Annotations.of(route).addWarningV2('cdk-alb-privatelink-router:loadBalancerUnknown',
      `${routePath}: listener: its ARN is known at deploy time only, so synthesis cannot check that every route of consumer '${consumer.node.path}' is on one load balancer; a consumer serves the listeners of one ALB (ELB fails the deploy otherwise), so give routes on other ALBs consumers of their own.`);
    return;
  }
  const record = consumer as unknown as Record<symbol, LoadBalancerIdentity[] | undefined>;
  const served = record[SERVED_LOAD_BALANCER] ?? [];
  const kind = current.key.slice(0, current.key.indexOf(':'));
  const other = served.find((known) => known.key.startsWith(`${kind}:`) && known.key !== current.key);
  if (other) {
    throw new Error(`${routePath}: consumer: '${consumer.node.path}' serves the listeners of load balancer '${other.name}' (route '${other.routePath}'); its target groups can serve one load balancer only, and its endpoints share one security group, so give the routes on load balancer '${current.name}' a consumer of their own.`);
  }
  if (!served.some((known) => known.key === current.key)) {
    Object.defineProperty(record, SERVED_LOAD_BALANCER, { value: [...served, current], configurable: true });
  }
}
