import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { connectedTargetGroupOf } from './private/shared-endpoints';
import { endpointSubnetsFor, validateEndpointOptions } from './private/subnets';
import { IPrivateLinkProducer } from './private-link-producer';
import { PrivateLinkEndpointOptions, PrivateLinkTargetGroup } from './private-link-target-group';

/**
 * The consumer side that routes share: one `PrivateLinkTargetGroup` (interface endpoint, its IP
 * lookup, an ALB target group per port) for each producer they forward to, in one consumer VPC.
 * An `AlbPrivateLinkRouter` is one for its routes; a `PrivateLinkConsumer` is one for routes on
 * listeners of your own. Give it to each `PrivateLinkRoute` as `consumer`. A consumer serves the
 * listeners of one ALB: ELB uses each target group with one load balancer only, so routes on
 * another ALB's listeners need a consumer of their own (synthesis fails otherwise, where it can
 * tell the load balancers apart).
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html
 */
export interface IPrivateLinkConsumer extends IConstruct {
  /** The consumer VPC, where the endpoints go. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the endpoints go in `vpc`, and their security group. A route that creates its own
   * producer keeps its endpoint to itself, placed by these.
   */
  readonly endpointOptions: PrivateLinkEndpointOptions;

  /**
   * Adds the consumer side of `producer` (its interface endpoint, IP lookup and the ALB target
   * group of `port`), or returns the one added before with `port`'s target group added if it had
   * none: every route to a producer shares one endpoint, and those on one port a target group.
   * The endpoint is named after the producer, so that it stays whichever routes use it. The
   * group's `port` and `targetGroup` are those of the first call; get another port's group with
   * `targetGroupFor(port)`.
   *
   * @param producer the service to reach
   * @param port one of the producer's ports; its `port` when left out
   */
  addPrivateLinkTargetGroup(producer: IPrivateLinkProducer, port?: number): PrivateLinkTargetGroup;
}

/** Properties of a `PrivateLinkConsumer`. */
export interface PrivateLinkConsumerProps extends PrivateLinkEndpointOptions {
  /** The consumer VPC: the VPC of the ALB whose listeners the routes are on. */
  readonly vpc: ec2.IVpc;
}

/**
 * The consumer side of AWS PrivateLink for routes on ALB listeners of your own: give it to each
 * `PrivateLinkRoute` as `consumer`, and the routes to one producer share one interface endpoint
 * and IP lookup, and those on one of its ports an ALB target group, as the routes of an
 * `AlbPrivateLinkRouter` do. Its endpoints share one security group, which each route opens to
 * its listener on its port. Use one consumer per ALB: its target groups serve one load balancer.
 *
 * @example
 * import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
 * import { PrivateLinkConsumer, PrivateLinkProducer, PrivateLinkRoute } from 'cdk-alb-privatelink-router';
 *
 * declare const listener: elbv2.ApplicationListener;
 *
 * const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(this, 'Orders', {
 *   endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
 *   port: 8080,
 * });
 * const consumer = new PrivateLinkConsumer(this, 'Consumer', { vpc: vpc1 });
 * new PrivateLinkRoute(this, 'Orders', { listener, consumer, path: '/orders', producer: orders });
 * new PrivateLinkRoute(this, 'Refunds', { listener, consumer, path: '/refunds', producer: orders });
 */
export class PrivateLinkConsumer extends Construct implements IPrivateLinkConsumer {
  /** The consumer VPC. */
  public readonly vpc: ec2.IVpc;

  /** The consumer's `endpointSubnets` and `loadBalancerAvailabilityZones`, and `endpointSecurityGroup`. */
  public readonly endpointOptions: PrivateLinkEndpointOptions;

  /** The security group of every endpoint: the given one, or one the consumer made. */
  public readonly endpointSecurityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: PrivateLinkConsumerProps) {
    super(scope, id);
    validateEndpointOptions(this.node.path, props);
    if (props.endpointSubnets !== undefined || props.loadBalancerAvailabilityZones !== undefined) {
      // What can be checked without a producer is checked here, at its root cause.
      endpointSubnetsFor(this, props.vpc, props.endpointSubnets, undefined, props.loadBalancerAvailabilityZones);
    }
    this.vpc = props.vpc;
    this.endpointSecurityGroup = props.endpointSecurityGroup ?? new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      description: 'PrivateLink interface endpoints: route ports from the ALBs of their listeners only',
      allowAllOutbound: false,
    });
    this.endpointOptions = {
      endpointSubnets: props.endpointSubnets,
      endpointSecurityGroup: this.endpointSecurityGroup,
      loadBalancerAvailabilityZones: props.loadBalancerAvailabilityZones,
    };
  }

  public addPrivateLinkTargetGroup(producer: IPrivateLinkProducer, port?: number): PrivateLinkTargetGroup {
    return connectedTargetGroupOf(this, this.vpc, this.endpointOptions, producer, port ?? producer.port);
  }
}
