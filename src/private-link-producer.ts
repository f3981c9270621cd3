import { Annotations, Duration, Fn, IResource, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { accountRootOf } from './private/endpoint-creator';
import { consumerHealthCheckOf, networkHealthCheckOf, validateHealthCheck, validateServedProtocol } from './private/health-check';
import { importPrivateLinkProducer } from './private/imported-producer';
import { albTargetOf, ecsTargetOf, targetTypeOf, validateAlbTargetProtocols } from './private/producer-targets';
import {
  ecsTargetGroupCountErrors, outsideVpc, validateAllowedPrincipals, validateAllowedRegions, validateDeregistrationDelay,
  validateEcsTargetGroups, validateInstanceVpcs, validateIpAddresses, validateMetricPeriod, validateSameStackTargets,
} from './private/producer-validation';
import { isInRoute } from './private/route-marker';
import { privateSubnetsOf, selectedSubnets } from './private/subnets';
import { DEFAULT_PORT, MAX_LISTENERS_PER_NLB, validatePort, validateTargets } from './private/validation';

/**
 * What serves one port of a PrivateLink service, and how the load balancers in front of it treat
 * its targets: the settings of `PrivateLinkProducer.addPort`, and (with the port) of a producer's
 * own port.
 */
export interface PrivateLinkPortOptions {
  /**
   * The instances to expose. Their security groups are opened on the port to the Network Load
   * Balancer's security group only.
   *
   * @default - none; give instances, Auto Scaling groups, IP addresses, ECS services or an
   * Application Load Balancer
   */
  readonly instances?: ec2.IInstance[];

  /**
   * Auto Scaling groups whose instances to expose, registered as they launch. Their security
   * groups are opened on the port to the Network Load Balancer's security group only. They must be
   * in the producer's stack: the group refers to the target group and the load balancer's
   * security group to the group's. (The class, not `IAutoScalingGroup`: only a group defined in
   * the app can attach itself to a target group.)
   *
   * @default - none
   */
  readonly autoScalingGroups?: autoscaling.AutoScalingGroup[];

  /**
   * Private IPv4 addresses to expose (a target group of type IP), for targets that are not
   * instances, such as containers: addresses of the VPC's subnets, or of 10.0.0.0/8,
   * 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (ELB registers no publicly routable address;
   * one outside the VPC is registered for every zone). The load balancer may send the port's
   * traffic to each address; open the targets' own firewalls to the load balancer's security group (or its
   * subnets) yourself. Cannot be combined with instances or Auto Scaling groups.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#target-type
   * @default - none
   */
  readonly ipAddresses?: string[];

  /**
   * ECS services whose tasks to expose, registered as they start (a target group of type IP): the
   * tasks must run in `awsvpc` network mode (as all Fargate tasks do), and the default container
   * of each task definition must map the port. Their security groups are opened on the port to the
   * Network Load Balancer's only. They must be in the producer's stack (for a route, the
   * router's), as Auto Scaling groups must, and cannot be combined with other kinds of targets.
   * (The class, not `IBaseService`: only a service defined in the app can attach itself to a
   * target group.) ECS attaches a service to at most 5 target groups, counting every port and
   * producer it serves and groups attached otherwise, and to more than one only with the ECS
   * deployment controller (not CODE_DEPLOY or EXTERNAL).
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/register-multiple-targetgroups.html
   * @default - none
   */
  readonly ecsServices?: ecs.BaseService[];

  /**
   * An Application Load Balancer to expose, such as a service team's own internal ALB in the
   * producer's VPC: the NLB forwards the port's TCP traffic to it (a target group of type `alb`), so it must
   * listen on the port itself, over the port's `targetProtocol` (HTTP unless told), which the consumer's ALB
   * sends through the endpoint. Its security group is opened on the port to the NLB's only; the NLB checks it over that protocol. ELB
   * sets no attributes on such a target group: `deregistrationDelay` applies to the consumer's
   * ALB only. For an ALB defined in the app, the NLB's target group waits for its
   * listener on the port, as ELB requires (synthesis fails if it has none). Cannot be combined with
   * other targets. Needs a `healthCheck` with a `path`, and the NLB's cross-zone load balancing
   * (`crossZoneEnabled`, on by default). Each ALB counts 100 of the 500 targets a cross-zone NLB
   * may have by default, so a producer with more than five warns.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/application-load-balancer-target.html
   * @default - none
   */
  readonly applicationLoadBalancer?: elbv2.IApplicationLoadBalancer;

  /**
   * How the load balancers check the service: the NLB each target, the consumer's ALB each
   * interface endpoint address (and so the NLB behind it), unless `consumerHealthCheck` gives
   * the ALB a check of its own. With a `path` or `healthyHttpCodes`, the NLB checks over HTTP
   * too (HTTPS for a `targetProtocol` of HTTPS), except on an HTTP2 or GRPC port, where it
   * checks TCP, as its HTTP/1.1 check may go unanswered. The port is always the traffic port; an
   * `interval` without a `timeout` gets a timeout below it (at most 5 seconds). As one check
   * configures both load balancers, it takes what both accept: interval 5-300 s, timeout 2-120 s
   * and below the interval, thresholds 2-10, codes 200-499, no gRPC codes (the NLB has no gRPC
   * check). On a GRPC port it gives timing only: the ALB checks with gRPC's defaults.
   *
   * For an Application Load Balancer target a `path` is required: both checks reach that ALB's
   * listener rules, so give a path one of its rules answers with a healthy code (the default
   * `/` may meet its default action, such as a fixed 404).
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
   * @default - the NLB checks a TCP connection; the consumer's ALB checks `GET /` over the
   * target protocol on the port and expects 200 (on a GRPC port, ALB's gRPC check). None for an
   * Application Load Balancer target, which needs a path
   */
  readonly healthCheck?: elbv2.HealthCheck;

  /**
   * How the consumer's ALB checks each interface endpoint address, when it should differ from
   * the NLB's `healthCheck`: for gRPC status codes (`healthyGrpcCodes`, 0-99) and a
   * `/package.service/method` path on a GRPC port, or an HTTP check where the NLB checks TCP.
   * Its protocol is HTTP or HTTPS, as the targets serve (the default).
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
   * @default - `healthCheck`'s settings
   */
  readonly consumerHealthCheck?: elbv2.HealthCheck;

  /**
   * What the targets serve on the port: HTTP, or HTTPS for traffic encrypted up to the target.
   * The consumer's ALB then speaks HTTPS to the endpoint and checks it over HTTPS; the NLB passes
   * the TCP connection through, so TLS ends at the target. ALB does not validate the target's
   * certificate (self-signed and expired ones are accepted): the connection is encrypted, but
   * ALB does not authenticate the target. Changing it replaces the consumer's ALB target group.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-group-routing-configuration
   * @default elbv2.ApplicationProtocol.HTTP
   */
  readonly targetProtocol?: elbv2.ApplicationProtocol;

  /**
   * The HTTP version the consumer's ALB speaks to the targets: HTTP1, HTTP2, or GRPC. HTTP2 and
   * GRPC need HTTPS listeners on every route to the port (ALB sends HTTP/2 to targets only for
   * HTTP/2 requests) and rules that only forward, so no `authentication`; a GRPC port's check
   * matches gRPC status codes. Changing it replaces the consumer's ALB target group; as a
   * weighted route's producers must share one version, a new version gets a port and route of
   * its own rather than a move by weights.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-group-protocol-version
   * @default elbv2.ApplicationProtocolVersion.HTTP1
   */
  readonly protocolVersion?: elbv2.ApplicationProtocolVersion;

  /**
   * How long the load balancers (the NLB and the consumer's ALB) let requests to a deregistering
   * target finish: whole seconds from 0 to 3600.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
   * @default Duration.seconds(300)
   */
  readonly deregistrationDelay?: Duration;
}

/**
 * What serves a PrivateLink service on its first port: the settings `PrivateLinkProducerProps`
 * and a route that creates its producer (`PrivateLinkRouteOptions`) share.
 */
export interface BasePrivateLinkProducerProps extends PrivateLinkPortOptions {
  /**
   * The TCP port the targets serve HTTP (or HTTPS) on. The Network Load Balancer, the endpoint service, the
   * interface endpoint and the consumer's ALB target group all use it.
   *
   * @default - 80; for a route to an existing `producer`, the producer's `port` (give one of its
   * `additionalPorts` to reach another of its services)
   */
  readonly port?: number;
}

/**
 * One more port of a PrivateLink service, with the settings the consumer's ALB needs to reach it
 * (see `PrivateLinkProducer.addPort`).
 */
export interface PrivateLinkPortAttributes {
  /** The TCP port, other than the service's `port`. */
  readonly port: number;

  /**
   * How the consumer's ALB target group checks the service on this port: over HTTP or HTTPS, as
   * the targets serve it unless told; gRPC codes on a GRPC port.
   *
   * @default - `GET /` over the target protocol on the port, expecting 200 (on a GRPC port, ALB's
   * gRPC check: `/AWS.ALB/healthcheck`, expecting code 12)
   */
  readonly healthCheck?: elbv2.HealthCheck;

  /**
   * What the targets serve on this port: HTTP, or HTTPS up to the target; see
   * `PrivateLinkPortOptions.targetProtocol`.
   *
   * @default elbv2.ApplicationProtocol.HTTP
   */
  readonly targetProtocol?: elbv2.ApplicationProtocol;

  /**
   * The HTTP version the consumer's ALB speaks to the targets on this port; see
   * `PrivateLinkPortOptions.protocolVersion`.
   *
   * @default elbv2.ApplicationProtocolVersion.HTTP1
   */
  readonly protocolVersion?: elbv2.ApplicationProtocolVersion;

  /**
   * How long the consumer's ALB lets requests to a deregistering endpoint address finish.
   *
   * @default Duration.seconds(300)
   */
  readonly deregistrationDelay?: Duration;
}

/**
 * A VPC endpoint service that routes can reach over AWS PrivateLink: what a route needs to know
 * to create an interface endpoint to it and check it from the ALB.
 *
 * `PrivateLinkProducer` implements it for a service defined in the app;
 * `PrivateLinkProducer.fromPrivateLinkProducerAttributes` for one known by name only.
 */
export interface IPrivateLinkProducer extends IResource {
  /**
   * The service name of the VPC endpoint service, such as
   * `com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`.
   *
   * @attribute
   */
  readonly endpointServiceName: string;

  /** The TCP port the service is offered on, and that its targets serve HTTP (or HTTPS) on. */
  readonly port: number;

  /**
   * The service's other ports, each served by targets of its own behind the same load balancer
   * and endpoint service: a route picks one with its `port`.
   *
   * @default - none: the service offers `port` only
   */
  readonly additionalPorts?: PrivateLinkPortAttributes[];

  /**
   * The Availability Zones the service is offered in; consumers can create endpoints in these
   * zones only.
   *
   * @default - not known; routes then do not check the zones of their endpoint subnets
   */
  readonly availabilityZones?: string[];

  /**
   * How the consumer's ALB target group checks the service on `port`.
   *
   * @default - `GET /` over the target protocol on the port, expecting 200 (on a GRPC port,
   * ALB's gRPC check)
   */
  readonly healthCheck?: elbv2.HealthCheck;

  /**
   * What the targets serve on `port`: HTTP, or HTTPS up to the target.
   *
   * @default elbv2.ApplicationProtocol.HTTP
   */
  readonly targetProtocol?: elbv2.ApplicationProtocol;

  /**
   * The HTTP version the consumer's ALB speaks to the targets on `port`.
   *
   * @default elbv2.ApplicationProtocolVersion.HTTP1
   */
  readonly protocolVersion?: elbv2.ApplicationProtocolVersion;

  /**
   * How long the consumer's ALB lets requests to a deregistering endpoint address finish.
   *
   * @default Duration.seconds(300)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * The Regions other than its own (`env.region`) whose consumers may connect endpoints to the
   * service, where known: a route from a Region not listed fails synthesis.
   *
   * @default - not known; not checked
   */
  readonly allowedRegions?: string[];
}

/** What `PrivateLinkProducer.fromPrivateLinkProducerAttributes` needs to know of a service. */
export interface PrivateLinkProducerAttributes {
  /**
   * The service name of the VPC endpoint service, such as
   * `com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0` (not its ID or DNS name): a
   * literal, or a token such as `Fn.importValue`. Its owner must allow the principal that deploys the consumer (or its
   * account), and accept its endpoint connections (or not require acceptance).
   */
  readonly endpointServiceName: string;

  /**
   * The TCP port the service is offered on.
   *
   * @default 80
   */
  readonly port?: number;

  /**
   * The service's other ports, which routes pick with their `port`; each must be one its load
   * balancer listens on.
   *
   * @default - none: the service offers `port` only
   */
  readonly additionalPorts?: PrivateLinkPortAttributes[];

  /**
   * The Region the service is in, when it is not the consumer's: routes then create
   * cross-Region interface endpoints to it. Its owner must allow the consumer's Region.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html#endpoint-service-cross-region
   * @default - the Region of the stack the import is made in
   */
  readonly serviceRegion?: string;

  /**
   * The Availability Zones the service is offered in, to keep the routes' endpoint subnets in
   * them at synth time: zone names of the service's Region (`eu-west-1a`), not zone IDs. Not
   * checked for a service in another Region.
   *
   * @default - not known: not checked, and an endpoint subnet in another zone fails at deploy time
   */
  readonly availabilityZones?: string[];

  /**
   * How the consumer's ALB target group checks the service on `port`: over HTTP or HTTPS, as the
   * targets serve it unless told; gRPC codes on a GRPC port.
   *
   * @default - `GET /` over the target protocol on the port, expecting 200 (on a GRPC port, ALB's
   * gRPC check: `/AWS.ALB/healthcheck`, expecting code 12)
   */
  readonly healthCheck?: elbv2.HealthCheck;

  /**
   * What the service's targets serve on `port`, so that routes to it speak it: HTTP, or HTTPS up
   * to the target; see `PrivateLinkPortOptions.targetProtocol`.
   *
   * @default elbv2.ApplicationProtocol.HTTP
   */
  readonly targetProtocol?: elbv2.ApplicationProtocol;

  /**
   * The HTTP version routes speak to the service's targets on `port`; see
   * `PrivateLinkPortOptions.protocolVersion`.
   *
   * @default elbv2.ApplicationProtocolVersion.HTTP1
   */
  readonly protocolVersion?: elbv2.ApplicationProtocolVersion;

  /**
   * How long the consumer's ALB lets requests to a deregistering endpoint address finish.
   *
   * @default Duration.seconds(300)
   */
  readonly deregistrationDelay?: Duration;
}

/** Options of a producer's metrics of one port's targets. */
export interface PrivateLinkProducerMetricOptions extends cloudwatch.MetricOptions {
  /**
   * The port whose target group to measure: the producer's `port` or one of its
   * `additionalPorts`.
   *
   * @default - the producer's `port`
   */
  readonly port?: number;
}

/** Properties of a `PrivateLinkProducer`. */
export interface PrivateLinkProducerProps extends BasePrivateLinkProducerProps {
  /** The VPC the instances run in; the Network Load Balancer is created in it. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the Network Load Balancer goes. Consumers can create endpoints only in the
   * Availability Zones these subnets cover.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none;
   * one per Availability Zone
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The principals allowed to create endpoints to the service: accounts
   * (`arn:aws:iam::111111111111:root`), IAM roles or IAM users. The load balancer does not apply
   * its security group to PrivateLink traffic, so these principals are the service's only gate:
   * whoever may connect an endpoint reaches the targets directly, around any ALB in front.
   * Name the principal that deploys the consumer's endpoint (with the CDK's default synthesizer,
   * the consumer stack's CloudFormation execution role) to admit that deployment only. EC2 takes
   * account roots, roles and users without a path, or `*`.
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpointServicePermissions.html
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
   * @default - the account of the stack this producer is in (aws-cdk-lib's
   * `VpcEndpointService` admits no one by default). A route that creates its producer admits
   * only its own stack's CloudFormation execution role.
   */
  readonly allowedPrincipals?: iam.ArnPrincipal[];

  /**
   * Whether the service owner must accept each endpoint connection. A route to a producer that
   * requires acceptance fails synthesis: nothing in the deployment would accept its endpoint, so
   * the route would never carry traffic. Use it for consumers outside this app, whose
   * connections you accept.
   *
   * @default - false (aws-cdk-lib's `VpcEndpointService` defaults to true)
   */
  readonly acceptanceRequired?: boolean;

  /**
   * The Regions, other than the producer's own, whose consumers may connect interface endpoints
   * to the service over cross-Region PrivateLink. Cross-Region traffic is billed as inter-Region
   * data transfer on top of the endpoint's data processing. AWS recommends offering such a
   * service in at least two Availability Zones; with fewer, synthesis warns.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html#endpoint-service-cross-region
   * @default - none: consumers in the producer's Region only
   */
  readonly allowedRegions?: string[];

  /**
   * Whether the Network Load Balancer has deletion protection: CloudFormation can then not
   * delete it until the protection is turned off.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * Whether each load balancer node distributes traffic to instances in every Availability
   * Zone. Without it, an endpoint interface in one zone reaches only the instances in that zone,
   * and an Application Load Balancer target (which always balances across zones) is rejected.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html
   * @default - true (aws-cdk-lib's `NetworkLoadBalancer` defaults to false)
   */
  readonly crossZoneEnabled?: boolean;
}

/**
 * ELB's count of an Application Load Balancer target, with cross-zone load balancing on, and the
 * targets a load balancer with it on may have by default.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
 */
const TARGETS_PER_ALB = 100;
const MAX_TARGETS_CROSS_ZONE = 500;

/** Marks producers for `isPrivateLinkProducer`: `instanceof` fails across copies of the library. */
const PRODUCER_SYMBOL = Symbol.for('cdk-alb-privatelink-router.PrivateLinkProducer');

/**
 * The producer side of AWS PrivateLink: an internal Network Load Balancer in front of instances,
 * Auto Scaling groups, IP addresses, ECS services or an Application Load Balancer, published as a
 * VPC endpoint service.
 *
 * The load balancer has a security group with no inbound rules and does not apply them to
 * PrivateLink traffic, so the endpoint service is its only way in; its outbound rules allow the
 * targets' port only.
 *
 * @example
 * import { AlbPrivateLinkRouter, PrivateLinkProducer } from 'cdk-alb-privatelink-router';
 *
 * // The service team's NLB and endpoint service, in its own VPC.
 * const orders = new PrivateLinkProducer(this, 'Orders', {
 *   vpc: vpc2,
 *   instances: [web2a, web2b],
 *   port: 8080,
 *   healthCheck: { path: '/health' },
 * });
 *
 * new AlbPrivateLinkRouter(this, 'Router', {
 *   vpc: vpc1,
 *   routes: [{ path: '/orders', producer: orders }],
 * });
 */
export class PrivateLinkProducer extends Resource implements IPrivateLinkProducer {
  /**
   * A service known by its name only, such as one in another account or app: routes create
   * interface endpoints to it. Nothing is created by this call.
   */
  public static fromPrivateLinkProducerAttributes(scope: Construct, id: string, attrs: PrivateLinkProducerAttributes): IPrivateLinkProducer {
    return importPrivateLinkProducer(scope, id, attrs);
  }

  /** Whether `x` is a `PrivateLinkProducer` (of any copy of this library). */
  public static isPrivateLinkProducer(x: any): x is PrivateLinkProducer {
    return x !== null && typeof x === 'object' && PRODUCER_SYMBOL in x;
  }

  /** The VPC the load balancer and the instances are in. */
  public readonly vpc: ec2.IVpc;

  /** The internal Network Load Balancer in front of the instances. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;

  /** The load balancer's TCP listener on `port`. */
  public readonly listener: elbv2.NetworkListener;

  /** The NLB's target group, holding the targets. */
  public readonly targetGroup: elbv2.NetworkTargetGroup;

  /** The security group of the load balancer. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The VPC endpoint service consumers create interface endpoints to. */
  public readonly endpointService: ec2.VpcEndpointService;

  public readonly endpointServiceName: string;

  public readonly port: number;

  public readonly healthCheck?: elbv2.HealthCheck;

  public readonly deregistrationDelay?: Duration;

  public readonly targetProtocol?: elbv2.ApplicationProtocol;

  public readonly protocolVersion?: elbv2.ApplicationProtocolVersion;

  /** Whether the service owner must accept each endpoint connection. */
  public readonly acceptanceRequired: boolean;

  /** The Regions other than its own whose consumers may connect; empty for its own only. */
  public readonly allowedRegions?: string[];

  /**
   * The Availability Zones of the load balancer's subnets: consumers can create endpoints to the
   * service in these zones only. Always set here; optional only because the interface's is.
   */
  public readonly availabilityZones?: string[];

  /** The service's other ports, in the order they were added. */
  private readonly otherPorts: PrivateLinkPortAttributes[] = [];

  /** The NLB's target group of each port, `port` first. */
  private readonly targetGroups = new Map<number, elbv2.NetworkTargetGroup>();

  /** Whether the NLB balances across zones, which an Application Load Balancer target needs. */
  private readonly crossZoneEnabled: boolean;

  /** The ECS services of every port, whose target groups the synth-time validation counts. */
  private readonly ecsServices: ecs.BaseService[] = [];

  /** The NLB's targets known at synth time, as they count against its quota (ALBs count 100). */
  private knownTargets = 0;

  constructor(scope: Construct, id: string, props: PrivateLinkProducerProps) {
    super(scope, id);
    Object.defineProperty(this, PRODUCER_SYMBOL, { value: true });

    this.vpc = props.vpc;
    this.port = props.port ?? DEFAULT_PORT;
    this.crossZoneEnabled = props.crossZoneEnabled ?? true;
    validatePort(this.node.path, this.port);
    const firstPortTargets = this.targetsFor(this.node.path, this.port, props);
    const firstPort = portAttributesFor(this.port, props);
    this.healthCheck = firstPort.healthCheck;
    this.targetProtocol = firstPort.targetProtocol;
    this.protocolVersion = firstPort.protocolVersion;
    this.deregistrationDelay = props.deregistrationDelay;
    this.acceptanceRequired = props.acceptanceRequired ?? false;
    validateAllowedPrincipals(this.node.path, props.allowedPrincipals ?? []);
    this.allowedRegions = props.allowedRegions ?? [];
    validateAllowedRegions(this.node.path, Stack.of(this).region, this.allowedRegions);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'PrivateLink NLB: reached through its endpoint service only, talks to its instances only',
      allowAllOutbound: false,
    });

    const vpcSubnets = props.vpcSubnets ?? privateSubnetsOf(this.node.path, 'vpcSubnets', props.vpc);
    this.availabilityZones = selectedSubnets(this.node.path, 'vpcSubnets', props.vpc, vpcSubnets).map((subnet) => subnet.availabilityZone);
    this.warnOfOneZoneAcrossRegions();
    this.loadBalancer = this.createLoadBalancer(props, vpcSubnets);

    // The first port's resources keep the IDs they had before producers served several ports.
    ({ listener: this.listener, targetGroup: this.targetGroup } = this.servePort(this, this.loadBalancer, this.port, props, firstPortTargets));

    this.endpointService = this.createEndpointService(props);
    this.endpointServiceName = this.serviceNameOf(this.endpointService);
    this.keepServiceIdExported();
    this.node.addValidation({ validate: () => ecsTargetGroupCountErrors(this.node.path, this.ecsServices) });
  }

  /**
   * The service's other ports, added with `addPort`: always a list here (empty for none),
   * optional only because the interface's is.
   */
  public get additionalPorts(): PrivateLinkPortAttributes[] | undefined {
    return [...this.otherPorts];
  }

  /**
   * Serves another port, with targets of its own, behind the same Network Load Balancer and
   * endpoint service: one more listener and target group, where another producer would cost its
   * own load balancer, endpoint service and (for each consumer) interface endpoint. Routes reach
   * it by naming this producer and the port; add the port before those routes.
   *
   * The port's resources are named after it, so adding or removing one port leaves the others'
   * in place.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
   * @param port the TCP port the targets serve HTTP (or HTTPS) on; one the producer does not serve yet, of
   * at most 50 per load balancer, ELB's fixed quota of listeners
   * @param options the port's targets, health check and deregistration delay
   * @returns the NLB's target group holding the port's targets
   */
  public addPort(port: number, options: PrivateLinkPortOptions): elbv2.NetworkTargetGroup {
    const id = `Port${port}`;
    const where = `${this.node.path}/${id}`;
    validatePort(where, port);
    if (this.targetGroups.has(port)) {
      throw new Error(`${where}: port: producer '${this.node.path}' serves port ${port} already; give each port once.`);
    }
    if (this.targetGroups.size >= MAX_LISTENERS_PER_NLB) {
      throw new Error(`${where}: port: a Network Load Balancer has at most ${MAX_LISTENERS_PER_NLB} listeners, a quota ELB does not raise, and producer '${this.node.path}' has ${this.targetGroups.size}; put the service behind another producer.`);
    }
    const portTargets = this.targetsFor(where, port, options);
    const portScope = new Construct(this, id);
    const { targetGroup } = this.servePort(portScope, portScope, port, options, portTargets);
    this.otherPorts.push(portAttributesFor(port, options));
    return targetGroup;
  }

  /**
   * The NLB's target group for one of the service's ports: `port` or one of `additionalPorts`.
   * Throws for a port the service does not offer.
   */
  public targetGroupFor(port: number): elbv2.NetworkTargetGroup {
    const targetGroup = this.targetGroups.get(port);
    if (targetGroup === undefined) {
      throw new Error(`${this.node.path}: port: the producer serves ${[...this.targetGroups.keys()].join(', ')}, not ${port}; add it with addPort.`);
    }
    return targetGroup;
  }

  /**
   * The number of targets of one port that pass the NLB's health check: when none does, the
   * endpoint service has nothing to send that port's connections to. Average over 5 minutes by
   * default; `Minimum` shows a moment with none.
   */
  public metricHealthyHostCount(options: PrivateLinkProducerMetricOptions = {}): cloudwatch.Metric {
    const { port, ...props } = options;
    validateMetricPeriod(this.node.path, props.period);
    return this.targetGroupFor(port ?? this.port).metrics.healthyHostCount(props);
  }

  /** The number of targets of one port that fail the NLB's health check. Average over 5 minutes by default. */
  public metricUnhealthyHostCount(options: PrivateLinkProducerMetricOptions = {}): cloudwatch.Metric {
    const { port, ...props } = options;
    validateMetricPeriod(this.node.path, props.period);
    return this.targetGroupFor(port ?? this.port).metrics.unHealthyHostCount(props);
  }

  /** The bytes the NLB processed, on every port. Sum over 5 minutes by default. */
  public metricProcessedBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    validateMetricPeriod(this.node.path, props?.period);
    return this.loadBalancer.metrics.processedBytes(props);
  }

  /** The TCP flows the NLB established with consumers' endpoints, on every port. Sum over 5 minutes by default. */
  public metricNewFlowCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    validateMetricPeriod(this.node.path, props?.period);
    return this.loadBalancer.metrics.newFlowCount(props);
  }

  /** The TCP resets the targets sent, on every port: a target refusing or dropping connections. Sum over 5 minutes by default. */
  public metricTcpTargetResetCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    validateMetricPeriod(this.node.path, props?.period);
    return this.loadBalancer.metrics.tcpTargetResetCount(props);
  }

  /**
   * The internal Network Load Balancer in `vpcSubnets`, with the producer's security group, which
   * it does not apply to PrivateLink traffic.
   */
  private createLoadBalancer(props: PrivateLinkProducerProps, vpcSubnets: ec2.SubnetSelection): elbv2.NetworkLoadBalancer {
    const loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: false,
      vpcSubnets,
      securityGroups: [this.securityGroup],
      crossZoneEnabled: this.crossZoneEnabled,
      deletionProtection: props.deletionProtection ?? false,
      // Evaluated on PrivateLink traffic, inbound rules would see the consumer's client addresses
      // (the ALB's nodes), which any other VPC may reuse: PrivateLink exists for overlapping
      // ranges. They would block nothing an attacker could not get around, so the endpoint
      // service's allowed principals are the gate instead.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html#security-group-considerations
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });
    Validations.of(loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'A Network Load Balancer writes access logs for TLS listeners only; this one has TCP listeners only, so there is nothing to log.',
    });
    return loadBalancer;
  }

  /** The endpoint service in front of the load balancer, admitting `allowedPrincipals` only. */
  private createEndpointService(props: PrivateLinkProducerProps): ec2.VpcEndpointService {
    return new ec2.VpcEndpointService(this, 'EndpointService', {
      vpcEndpointServiceLoadBalancers: [this.loadBalancer],
      acceptanceRequired: this.acceptanceRequired,
      allowedPrincipals: props.allowedPrincipals ?? [accountRootOf(Stack.of(this))],
      allowedRegions: this.allowedRegions?.length ? this.allowedRegions : undefined,
    });
  }

  /**
   * The NLB targets of one port, after checking that the load balancer can serve them and the
   * settings on it; `where` names the port in errors.
   */
  private targetsFor(where: string, port: number, options: PrivateLinkPortOptions): elbv2.INetworkLoadBalancerTarget[] {
    validateIpAddresses(where, this.vpc, options.ipAddresses ?? []);
    validateTargets(where, options);
    const alb = options.applicationLoadBalancer;
    validateServedProtocol(where, options);
    if (alb !== undefined) validateAlbTargetProtocols(where, options);
    validateHealthCheck(where, options.healthCheck, { ...options, nlb: true, albTarget: alb !== undefined });
    validateHealthCheck(where, options.consumerHealthCheck, { ...options, nlb: false, prop: 'consumerHealthCheck' });
    validateDeregistrationDelay(where, options.deregistrationDelay);
    if (alb !== undefined && !this.crossZoneEnabled) {
      // An ALB balances across zones always; with the NLB's off, an NLB node reaches the ALB's
      // node in its own zone only, and a zone without one fails.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/disable-cross-zone.html
      const prop = where === this.node.path ? 'crossZoneEnabled' : 'applicationLoadBalancer';
      throw new Error(`${where}: ${prop}: an Application Load Balancer target needs cross-zone load balancing on the NLB, as an ALB always has it, and producer '${this.node.path}' has crossZoneEnabled: false; leave crossZoneEnabled out (or true).`);
    }
    validateInstanceVpcs(where, this, this.vpc, options.instances ?? []);
    validateSameStackTargets(where, this, options);
    for (const service of options.ecsServices ?? []) {
      validateEcsTargetGroups(where, service);
    }
    return [
      ...(options.instances ?? []).map((instance) => new targets.InstanceIdTarget(instance.instanceId, port)),
      // ELB registers an address outside the VPC only for every zone ('all').
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetDescription.html
      ...(options.ipAddresses ?? []).map((ip) => new targets.IpTarget(ip, port, outsideVpc(this.vpc, ip) ? 'all' : undefined)),
      ...(options.autoScalingGroups ?? []),
      ...(alb ? [albTargetOf(where, this, alb, port, options.targetProtocol)] : []),
      ...(options.ecsServices ?? []).map((service) => ecsTargetOf(where, service, port)),
    ];
  }

  /**
   * The listener (in `listenerScope`) and target group (in `scope`) of one port, and the security
   * group rules that let the load balancer reach its targets on it.
   */
  private servePort(scope: Construct, listenerScope: Construct, port: number, options: PrivateLinkPortOptions,
    portTargets: elbv2.INetworkLoadBalancerTarget[]): { listener: elbv2.NetworkListener; targetGroup: elbv2.NetworkTargetGroup } {
    const alb = options.applicationLoadBalancer;
    const targetGroup = new elbv2.NetworkTargetGroup(scope, 'TargetGroup', {
      vpc: this.vpc,
      port,
      protocol: elbv2.Protocol.TCP,
      targetType: targetTypeOf(options),
      targets: portTargets,
      healthCheck: networkHealthCheckOf(options.healthCheck, alb !== undefined, options),
      // ELB sets no attributes on a target group of type alb; the consumer's ALB still drains.
      deregistrationDelay: alb ? undefined : options.deregistrationDelay,
    });
    const listener = new elbv2.NetworkListener(listenerScope, 'Listener', {
      loadBalancer: this.loadBalancer,
      port,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [targetGroup],
    });

    // Client traffic and health checks both reach the instances from the load balancer's own
    // addresses, so one rule per instance security group covers both. Made from the load
    // balancer's side, both rules live in its stack, so instances in another stack get no
    // reference back to it (which would be a cycle).
    const connectables: ec2.IConnectable[] = [
      ...options.instances ?? [], ...options.autoScalingGroups ?? [], ...options.ecsServices ?? [], ...alb ? [alb] : [],
    ];
    for (const target of connectables) {
      this.loadBalancer.connections.allowTo(target, ec2.Port.tcp(port), 'From the PrivateLink NLB');
    }
    for (const ip of options.ipAddresses ?? []) {
      this.loadBalancer.connections.allowTo(ec2.Peer.ipv4(`${ip}/32`), ec2.Port.tcp(port), 'To a PrivateLink NLB IP target');
    }
    this.targetGroups.set(port, targetGroup);
    this.ecsServices.push(...options.ecsServices ?? []);
    this.countTargets(options);
    return { listener, targetGroup };
  }

  /**
   * Counts a port's targets known at synth time against the NLB's quota, and warns when they pass
   * it: with cross-zone load balancing on, at most 500 targets per load balancer, a target in N
   * target groups counting N times and an Application Load Balancer 100. The quota can be raised,
   * so a deployment may work.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
   */
  private countTargets(options: PrivateLinkPortOptions): void {
    const before = this.knownTargets;
    this.knownTargets += (options.instances ?? []).length + (options.ipAddresses ?? []).length
      + (options.applicationLoadBalancer ? TARGETS_PER_ALB : 0);
    if (this.crossZoneEnabled && before <= MAX_TARGETS_CROSS_ZONE && this.knownTargets > MAX_TARGETS_CROSS_ZONE) {
      Annotations.of(this).addWarningV2('cdk-alb-privatelink-router:nlbTargetQuota',
        `${this.node.path}: the Network Load Balancer has ${this.knownTargets} targets by ELB's count (each Application Load Balancer target counts ${TARGETS_PER_ALB}), more than the ${MAX_TARGETS_CROSS_ZONE} its default quota allows with cross-zone load balancing; raise the quota 'Targets per Availability Zone per Network Load Balancer' before deploying, or spread the ports over several producers.`);
    }
  }

  /**
   * Warns of a cross-Region producer in fewer than two zones: the PrivateLink guide asks
   * providers for two, and the API does not enforce it, so the deployment works.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html
   */
  private warnOfOneZoneAcrossRegions(): void {
    const zones = new Set(this.availabilityZones);
    if ((this.allowedRegions ?? []).length > 0 && zones.size < 2) {
      Annotations.of(this).addWarningV2('cdk-alb-privatelink-router:crossRegionOneZone',
        `${this.node.path}: vpcSubnets: the producer admits other Regions (${this.allowedRegions!.join(', ')}) but its load balancer is in ${zones.size} Availability Zone only; AWS recommends at least two for a service offered across Regions, so that one zone's failure does not cut off its consumers. Give subnets in two zones or more.`);
    }
  }

  /**
   * Exports the endpoint service's ID from the producer's own stack, under the name aws-cdk-lib
   * gives the export a route in another stack of the Region imports. The export then lives as
   * long as the producer, not as long as its last route: CloudFormation refuses to delete an
   * export that a deployed stack still imports, so without it, removing that route would fail
   * whenever the producer's stack deploys first. A producer that a route creates is in the
   * route's own stack, and one in a nested stack is referred to through its parent's parameters:
   * neither is exported.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html
   */
  private keepServiceIdExported(): void {
    const stack = Stack.of(this);
    if (!isInRoute(this) && !stack.nested) {
      stack.exportValue(this.endpointService.vpcEndpointServiceId);
    }
  }

  /**
   * The endpoint service's name with the producer's own Region in it, where that is known.
   * aws-cdk-lib's name holds `AWS::Region`, which a consumer in another Region would resolve to
   * its own Region, naming a service that does not exist there.
   */
  private serviceNameOf(service: ec2.VpcEndpointService): string {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      return service.vpcEndpointServiceName;
    }
    const prefix = RegionInfo.get(region).vpcEndpointServiceNamePrefix ?? ec2.VpcEndpointService.DEFAULT_PREFIX;
    return Fn.join('.', [prefix, region, service.vpcEndpointServiceId]);
  }
}

/** What the consumer's ALB needs to know of a port the app serves, from the port's settings. */
function portAttributesFor(port: number, options: PrivateLinkPortOptions): PrivateLinkPortAttributes {
  return {
    port,
    healthCheck: consumerHealthCheckOf(options.healthCheck, options.consumerHealthCheck, options.protocolVersion),
    deregistrationDelay: options.deregistrationDelay,
    targetProtocol: options.targetProtocol,
    protocolVersion: options.protocolVersion,
  };
}
