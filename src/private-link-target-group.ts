import { Annotations, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { Construct } from 'constructs';
import { EndpointIpAddresses } from './endpoint-ip-addresses';
import { applicationHealthCheckOf } from './private/health-check';
import { portAttributesOf } from './private/ports';
import { CROSS_REGION_UNSUPPORTED_ZONE_IDS, serviceRegionOf } from './private/regions';
import { stableSetIdOf } from './private/stable-id';
import { endpointSubnetsFor, validateEndpointOptions } from './private/subnets';
import { IPrivateLinkProducer, PrivateLinkProducer } from './private-link-producer';

/** Where interface endpoints go in the consumer VPC, and the security group they are reached through. */
export interface PrivateLinkEndpointOptions {
  /**
   * Where the interface endpoint goes in the consumer VPC: one network interface per subnet,
   * each registered as an ALB target. Use at most one subnet per Availability Zone, in zones the
   * producer and the ALB (`loadBalancerAvailabilityZones`) also cover (synthesis fails
   * otherwise). Other subnets make a new endpoint, created before the old one is deleted.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none;
   * one per Availability Zone that the producer and the ALB also cover
   */
  readonly endpointSubnets?: ec2.SubnetSelection;

  /**
   * The interface endpoint's security group. Several endpoints may share one: an endpoint
   * forwards only the ports its producer's load balancer listens on.
   *
   * @default - a new security group without rules: a route allows its listener in on its port
   */
  readonly endpointSecurityGroup?: ec2.ISecurityGroup;

  /**
   * The Availability Zones of the ALB's subnets. The ALB never sends a request to an IP target
   * in a zone it is not enabled in, so endpoint subnets are kept to these zones: default ones
   * outside them are left out, explicitly chosen ones fail synthesis. Give them when the ALB
   * does not cover every zone of the endpoint subnets.
   *
   * @default - not checked; keep `endpointSubnets` in the ALB's zones yourself
   */
  readonly loadBalancerAvailabilityZones?: string[];
}

/** Properties of a `PrivateLinkTargetGroup`. */
export interface PrivateLinkTargetGroupProps extends PrivateLinkEndpointOptions {
  /** The consumer VPC: the interface endpoint and the ALB target group go in it. */
  readonly vpc: ec2.IVpc;

  /**
   * The service the interface endpoint connects to: a `PrivateLinkProducer`, or one from
   * `PrivateLinkProducer.fromPrivateLinkProducerAttributes`. The health check and deregistration
   * delay it has for `port` are the ALB target group's.
   */
  readonly producer: IPrivateLinkProducer;

  /**
   * The port of the producer that `targetGroup` forwards to: its `port` or one of its
   * `additionalPorts`. `addPort` adds groups for its other ports, on the same endpoint.
   *
   * @default - the producer's `port`
   */
  readonly port?: number;
}

/**
 * The consumer side of AWS PrivateLink, seen from an ALB: an interface endpoint to a producer,
 * its IP addresses looked up at deploy time, and an ALB target group of type IP holding them,
 * one per port of the producer that is reached.
 *
 * Forward listener rules to `targetGroup` (or to the group `addPort` adds for another port), and
 * allow the ALB in with `connections` on each port.
 *
 * @example
 * import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
 * import { PrivateLinkProducer, PrivateLinkTargetGroup } from 'cdk-alb-privatelink-router';
 *
 * declare const listener: elbv2.ApplicationListener;
 *
 * const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(this, 'Orders', {
 *   endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
 *   port: 8080,
 * });
 * const group = new PrivateLinkTargetGroup(this, 'OrdersTargets', { vpc: vpc1, producer: orders });
 * group.connections.allowFrom(listener, ec2.Port.tcp(8080));
 * listener.addAction('Orders', {
 *   priority: 10,
 *   conditions: [elbv2.ListenerCondition.pathPatterns(['/orders/*'])],
 *   action: elbv2.ListenerAction.forward([group.targetGroup]),
 * });
 */
export class PrivateLinkTargetGroup extends Construct implements ec2.IConnectable {
  /** The service the endpoint connects to. */
  public readonly producer: IPrivateLinkProducer;

  /** The interface endpoint in the consumer VPC. */
  public readonly endpoint: ec2.InterfaceVpcEndpoint;

  /** The deploy-time lookup of the endpoint's private IP addresses. */
  public readonly endpointIpAddresses: EndpointIpAddresses;

  /**
   * The port of the producer that `targetGroup` forwards to: the one the group was made for (for
   * a group that routes share, the first route's).
   */
  public readonly port: number;

  /** The ALB target group of type IP holding the endpoint's addresses on `port`. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The interface endpoint's connections (its security groups, default port the producer's). */
  public readonly connections: ec2.Connections;

  private readonly vpc: ec2.IVpc;

  /** The ALB target groups by port. */
  private readonly targetGroups = new Map<number, elbv2.ApplicationTargetGroup>();

  constructor(scope: Construct, id: string, props: PrivateLinkTargetGroupProps) {
    super(scope, id);
    const producer = props.producer;
    this.producer = producer;
    this.vpc = props.vpc;
    this.port = props.port ?? producer.port;
    // Checked before the endpoint is made, so that a port the producer lacks leaves nothing behind.
    const ownProducer = this.validateProducer(props);
    const serviceRegion = serviceRegionOf(this, producer);
    if (serviceRegion && producer.availabilityZones) {
      Annotations.of(this).addWarningV2('cdk-alb-privatelink-router:zonesNotChecked',
        `${this.node.path}: endpointSubnets: producer '${producer.node.path}' is in ${serviceRegion}, whose zones are not this Region's, so the endpoint subnets are not checked against them.`);
    }
    const unsupportedZoneIds = serviceRegion ? CROSS_REGION_UNSUPPORTED_ZONE_IDS[Stack.of(this).region] : undefined;
    const endpointSubnets = endpointSubnetsFor(this, props.vpc, props.endpointSubnets,
      { vpc: ownProducer?.vpc, availabilityZones: serviceRegion ? undefined : producer.availabilityZones },
      props.loadBalancerAvailabilityZones,
      unsupportedZoneIds && { reason: 'cross-Region interface endpoints are not supported', zoneIds: unsupportedZoneIds });
    this.endpoint = this.createEndpoint(props, endpointSubnets, serviceRegion, ownProducer);
    this.connections = this.endpoint.connections;

    this.endpointIpAddresses = new EndpointIpAddresses(this, 'EndpointIpAddresses', {
      endpoint: this.endpoint,
    });

    this.targetGroup = this.addPort(this.port);
  }

  /** The producer's ports that have an ALB target group here, `port` first. */
  public get ports(): number[] {
    return [...this.targetGroups.keys()];
  }

  /**
   * Adds the ALB target group of type IP holding the endpoint's addresses on another port of the
   * producer (`port` or one of `additionalPorts`): routes to several ports of one producer share its
   * endpoint and lookup, each port with a target group of its own. The group of the producer's
   * `port` is named `TargetGroup`, the others after their port, so that adding or removing one
   * leaves the rest.
   *
   * @param port a port of the producer without a target group here yet
   * @returns the port's ALB target group
   */
  public addPort(port: number): elbv2.ApplicationTargetGroup {
    if (this.targetGroups.has(port)) {
      throw new Error(`${this.node.path}: port: has a target group for port ${port} already; give each port once, or get it with targetGroupFor.`);
    }
    const attributes = portAttributesOf(this.node.path, this.producer, port);
    const targetGroup = new elbv2.ApplicationTargetGroup(this, port === this.producer.port ? 'TargetGroup' : `TargetGroup${port}`, {
      vpc: this.vpc,
      port,
      protocol: attributes.targetProtocol ?? elbv2.ApplicationProtocol.HTTP,
      protocolVersion: attributes.protocolVersion,
      targetType: elbv2.TargetType.IP,
      targets: this.endpointIpAddresses.ipAddresses.map((ip) => new targets.IpTarget(ip, port)),
      healthCheck: applicationHealthCheckOf(attributes.healthCheck, attributes),
      deregistrationDelay: attributes.deregistrationDelay,
    });
    this.targetGroups.set(port, targetGroup);
    return targetGroup;
  }

  /**
   * The ALB target group of one of `ports`. Throws for a port without one: add it with `addPort`.
   */
  public targetGroupFor(port: number): elbv2.ApplicationTargetGroup {
    const targetGroup = this.targetGroups.get(port);
    if (targetGroup === undefined) {
      throw new Error(`${this.node.path}: port: has target groups for ${this.ports.join(', ')}, not ${port}; add it with addPort.`);
    }
    return targetGroup;
  }

  /**
   * Checks that the endpoint could carry traffic to the producer's `port`; returns the producer
   * when it is a `PrivateLinkProducer` of the app.
   */
  private validateProducer(props: PrivateLinkTargetGroupProps): PrivateLinkProducer | undefined {
    const producer = props.producer;
    portAttributesOf(this.node.path, producer, this.port);
    validateEndpointOptions(this.node.path, props);
    const ownProducer = PrivateLinkProducer.isPrivateLinkProducer(producer) ? producer : undefined;
    if (ownProducer?.acceptanceRequired) {
      throw new Error(`${this.node.path}: producer: '${ownProducer.node.path}' requires acceptance of each endpoint connection, and nothing in the deployment accepts this endpoint's, so it would never carry traffic; set acceptanceRequired: false on the producer and limit who may connect with allowedPrincipals.`);
    }
    return ownProducer;
  }

  /**
   * The interface endpoint in `subnets`, named after them, so that other subnets make a new
   * endpoint: CloudFormation creates it, registers its addresses and only then deletes the old
   * one. Updated in place, the old network interfaces would be gone while the ALB still sent
   * requests to their addresses.
   */
  private createEndpoint(props: PrivateLinkTargetGroupProps, subnets: ec2.SubnetSelection, serviceRegion: string | undefined,
    ownProducer: PrivateLinkProducer | undefined): ec2.InterfaceVpcEndpoint {
    const producer = props.producer;
    const endpoint = new ec2.InterfaceVpcEndpoint(this, `Endpoint${stableSetIdOf(this, (subnets.subnets ?? []).map((subnet) => subnet.subnetId))}`, {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(producer.endpointServiceName, producer.port),
      subnets,
      securityGroups: [props.endpointSecurityGroup ?? new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: props.vpc,
        description: 'PrivateLink interface endpoint: reached by the ALB only',
        allowAllOutbound: false,
      })],
      // `open` would admit the whole consumer VPC; only the ALB may connect.
      open: false,
      privateDnsEnabled: false,
      serviceRegion,
    });
    if (ownProducer) {
      // The endpoint can connect only once the service's allowed principals are in place.
      endpoint.node.addDependency(ownProducer.endpointService);
    }
    return endpoint;
  }
}
