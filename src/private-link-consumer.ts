import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { connectedTargetGroupOf } from './private/shared-endpoints';
import { validateEndpointOptions } from './private/subnets';
import { IPrivateLinkProducer } from './private-link-producer';
import { PrivateLinkEndpointOptions, PrivateLinkTargetGroup } from './private-link-target-group';

/**
 * The consumer side that routes share: one `PrivateLinkTargetGroup` (interface endpoint, its IP
 * lookup, an ALB target group per port) for each producer they forward to, in one consumer VPC.
 * An `AlbPrivateLinkRouter` is one for its routes; a `PrivateLinkConsumer` is one for routes on
 * listeners of your own. Give it to each `PrivateLinkRoute` as `consumer`.
 */
export interface IPrivateLinkConsumer extends IConstruct {
  /** The consumer VPC, where the endpoints go. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the endpoints go in `vpc`, and their security group: also the placement of the endpoint
   * of a route that creates its own producer.
   */
  readonly endpointOptions: PrivateLinkEndpointOptions;

  /**
   * Connects the consumer VPC to `port` of `producer`: the first call for a producer adds its
   * endpoint and lookup, the first for a port its ALB target group; later calls return what
   * is there. So every route to a producer shares one endpoint, and those on one port a target
   * group. The endpoint is named after the producer, so that it stays whichever routes use it.
   *
   * @param producer the service to reach
   * @param port one of the producer's ports; its `port` when left out
   */
  connect(producer: IPrivateLinkProducer, port?: number): PrivateLinkTargetGroup;
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
 * its listener on its port.
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
 * new PrivateLinkRoute(this, 'Orders', { listener, vpc: vpc1, consumer, path: '/orders', producer: orders });
 * new PrivateLinkRoute(this, 'Refunds', { listener, vpc: vpc1, consumer, path: '/refunds', producer: orders });
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

  public connect(producer: IPrivateLinkProducer, port?: number): PrivateLinkTargetGroup {
    return connectedTargetGroupOf(this, this.vpc, this.endpointOptions, producer, port ?? producer.port);
  }
}
