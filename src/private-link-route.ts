import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EndpointIpAddresses } from './endpoint-ip-addresses';
import { endpointCreatorOf } from './private/endpoint-creator';
import { errorRateOf } from './private/error-rate';
import { HTTPS_PORT, validateAuthenticatedListener } from './private/front-door';
import { recordServedLoadBalancer } from './private/load-balancer-association';
import { portAttributesOf } from './private/ports';
import { asRouteError } from './private/route-errors';
import { markAsRoute } from './private/route-marker';
import { listenerKeyOf, resolveRoute, RouteMatch, routeLabelOf, validateRouteAmong } from './private/route-match';
import { routesOnListener } from './private/route-registry';
import { connectedTargetGroupOf, sharedEndpointIdOf } from './private/shared-endpoints';
import { stableIdOf } from './private/stable-id';
import { privateSubnetsOf, selectedSubnets } from './private/subnets';
import { recordRouteOnTargetGroup } from './private/target-group-routes';
import { validateRouteProtocols } from './private/target-protocols';
import { PORT_SETTING_PROPS, TARGET_PROPS } from './private/validation';
import { ResolvedWeightedProducer, resolveWeightedProducers, validateStickinessDuration, warnOfWeightedRoute } from './private/weighted-producers';
import { IPrivateLinkConsumer } from './private-link-consumer';
import { BasePrivateLinkProducerProps, IPrivateLinkProducer, PrivateLinkProducer } from './private-link-producer';
import { PrivateLinkEndpointOptions, PrivateLinkTargetGroup } from './private-link-target-group';
import { RouteAuthentication } from './route-authentication';

/**
 * What one route matches, and where it goes: requests whose path matches `path` (and whose host
 * matches `hosts`, if given) are forwarded over AWS PrivateLink to an existing `producer`, or to
 * `instances` (or other targets) in `producerVpc`, for which the route creates a producer.
 *
 * A route to an existing `producer` takes its health check and deregistration delay from the
 * producer, and its port too unless it picks another of the producer's ports with `port`.
 */
export interface PrivateLinkRouteOptions extends BasePrivateLinkProducerProps {
  /**
   * The path the route serves.
   *
   * A plain path is a prefix: `/vpc2` matches `/vpc2` and everything under `/vpc2/`.
   * A path containing `*` or `?` is used verbatim as an ALB path pattern (`*` matches any
   * characters, `?` exactly one); matching is case-sensitive.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
   * @default - '/': every path (of `hosts`, if given)
   */
  readonly path?: string;

  /**
   * The host names the route serves, matched against the request's Host header: for example
   * `api.example.com`, or `*.example.com` (`*` matches any characters, `?` exactly one).
   * Matching is case-insensitive. A request must match one of the hosts and the path. Routes
   * with hosts are evaluated before routes without.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
   * @default - any host
   */
  readonly hosts?: string[];

  /**
   * Whether the ALB removes the route's path prefix before forwarding, so that the service can
   * serve at `/`: with path `/api`, a request for `/api/users?page=2` reaches the service as
   * `/users?page=2`, and `/api` as `/`. Uses an ALB URL-rewrite transform. Only for a plain
   * prefix path (no `*` or `?`), other than `/`.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-transforms.html
   * @default false
   */
  readonly stripPathPrefix?: boolean;

  /**
   * The service to route to: a `PrivateLinkProducer` (for example in the service team's own
   * stack), or one from `PrivateLinkProducer.fromPrivateLinkProducerAttributes` (for example in
   * another account). Routes of one router that name the same producer share one interface
   * endpoint and IP lookup, whatever their ports, and those on one port an ALB target group.
   *
   * @default - the route creates a producer from `producerVpc` and its targets
   */
  readonly producer?: IPrivateLinkProducer;

  /**
   * Several services the route spreads its requests over, by weight: for a migration to another
   * VPC, account or Region without a gap, a canary, or one service in two Regions. Each producer
   * gets its own interface endpoint, IP lookup, ALB target group and health checks, even at
   * weight 0, so a producer can be added at 0, watched until healthy, then given requests. At most
   * 5 producers (ALB's target groups per forward action), weights from 0 to 999, not all 0.
   * A producer named both here and as another route's `producer` shares that route's consumer
   * side, and a producer here keeps its resources when the route moves from `producer` to
   * `producers` and back.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-action-types.html#forward-actions
   * @default - the route forwards every request to its one `producer`, or to the producer it
   * creates in `producerVpc`
   */
  readonly producers?: WeightedPrivateLinkProducer[];

  /**
   * How long the ALB keeps sending a client to the producer of a weighted route it sent the
   * client's first request to (target-group stickiness, by a cookie the ALB sets). Only with
   * `producers`; from 1 second to 7 days. A client stays on its producer for this long after
   * the weights change, even when that producer's group has no healthy address.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupStickinessConfig.html
   * @default - no stickiness: each request is sent by weight
   */
  readonly stickinessDuration?: Duration;

  /**
   * The VPC the targets run in: the route creates its own `PrivateLinkProducer` (Network Load
   * Balancer and endpoint service) in it, for `instances`, `autoScalingGroups`, `ipAddresses`,
   * `ecsServices` or an `applicationLoadBalancer`.
   *
   * @default - none: `producer` is given
   */
  readonly producerVpc?: ec2.IVpc;

  /**
   * Where the Network Load Balancer of the producer the route creates goes in `producerVpc`: that
   * producer's `vpcSubnets`, named after `producerVpc` as `producerVpc` is after the producer's
   * `vpc`, since a route's `vpc` and `endpointSubnets` are the consumer's.
   *
   * @default - the producer VPC's private subnets with egress, or its isolated subnets if it has
   * none; one per Availability Zone
   */
  readonly producerSubnets?: ec2.SubnetSelection;

  /**
   * Who may use the route: the route's rule authenticates each request at the ALB (OIDC, Cognito
   * or JWT) before it forwards it. Needs an HTTPS listener. The ALB's security group then admits
   * the ALB out to any IPv4 address on 443, to reach the identity provider's endpoints.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
   * @default - no authentication: the ALB forwards every matching request
   */
  readonly authentication?: RouteAuthentication;

  /**
   * The listener-rule priority (1-50000, lower is evaluated first).
   *
   * @default - derived from the route's own hosts and path, so that routes with hosts are
   * evaluated first, a deeper path before a shallower one, and the priority never changes when
   * other routes are added or removed.
   */
  readonly priority?: number;
}

/** One of the services a weighted route spreads its requests over, with its share. */
export interface WeightedPrivateLinkProducer {
  /** The service: a `PrivateLinkProducer`, or an import of one. */
  readonly producer: IPrivateLinkProducer;

  /**
   * The producer's share of the route's requests, relative to the other producers' weights:
   * an integer from 0 to 999. At 0 the producer gets no requests, and is built and
   * health-checked all the same.
   */
  readonly weight: number;

  /**
   * The producer's port the route uses: its `port` or one of its additional ports.
   *
   * @default - the producer's `port`
   */
  readonly port?: number;
}

/** One producer a route forwards to, and the consumer side that reaches it. */
export interface PrivateLinkRouteDestination {
  /** The service. */
  readonly producer: IPrivateLinkProducer;

  /**
   * The producer's weight in the route's forward action.
   *
   * @default - none: the route forwards every request to its one producer
   */
  readonly weight?: number;

  /** The TCP port used from the ALB through to the targets. */
  readonly port: number;

  /** The interface endpoint, its IP lookup and the ALB target groups of the producer's ports. */
  readonly privateLinkTargetGroup: PrivateLinkTargetGroup;

  /** The ALB target group of type IP holding the endpoint's addresses on `port`. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
}

/**
 * Properties of a `PrivateLinkRoute`: the route, the listener and VPC it is added to, and where
 * its interface endpoint goes (the placement is `consumer`'s when one is given).
 */
export interface PrivateLinkRouteProps extends PrivateLinkRouteOptions, PrivateLinkEndpointOptions {
  /** The ALB listener the route's rule is added to; an imported listener works too. */
  readonly listener: elbv2.IApplicationListener;

  /**
   * The consumer VPC: the listener's load balancer's VPC, where the interface endpoint goes.
   *
   * @default - the VPC of `consumer`; without a consumer, give the VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The consumer side the route shares with other routes: a `PrivateLinkConsumer`, or an
   * `AlbPrivateLinkRouter`. Routes given one consumer that name the same producer share one
   * interface endpoint and IP lookup, and those on one of its ports an ALB target group. The
   * consumer places the endpoints, so give no `endpointSubnets`, `endpointSecurityGroup` or
   * `loadBalancerAvailabilityZones` with it.
   *
   * @default - the route's endpoint is its own, placed by its `endpointSubnets`,
   * `endpointSecurityGroup` and `loadBalancerAvailabilityZones`
   */
  readonly consumer?: IPrivateLinkConsumer;

  /**
   * Whether the Network Load Balancer of the producer the route creates has deletion protection.
   * Only for a producer the route creates; a given `producer` has its own setting.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * The principals the endpoint service of the producer the route creates admits: whoever calls
   * CreateVpcEndpoint for the route's endpoint. Give the role you deploy with when it is not the
   * bootstrap's CloudFormation execution role (`cdk deploy --role-arn`, other deployment tools).
   * Only for a producer the route creates; a given `producer` has its own.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
   * @default - the CloudFormation execution role of the stack's `DefaultStackSynthesizer`
   * (of the top-level stack for a nested stack); the stack's account, with a warning, for other
   * synthesizers. A `PrivateLinkProducer` made on its own admits its account.
   */
  readonly allowedPrincipals?: iam.ArnPrincipal[];
}

/**
 * One path of an ALB listener served over AWS PrivateLink: a `PrivateLinkProducer` in the producer
 * VPC (unless a `producer` is given), a `PrivateLinkTargetGroup` (interface endpoint to it in the
 * consumer VPC, whose IP addresses are the targets of an ALB target group), and a listener rule
 * forwarding the route's paths to that group.
 *
 * `AlbPrivateLinkRouter.addRoute` creates these; create one directly to add a route to an ALB
 * listener of your own, owned or imported. Routes on one listener are checked against each other
 * (same requests, same priority, a route another one shadows), in one stack.
 *
 * @example
 * import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
 * import { PrivateLinkRoute } from 'cdk-alb-privatelink-router';
 *
 * const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
 *   listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge/0123456789abcdef/0123456789abcdef',
 *   securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'AlbSecurityGroup', 'sg-0123456789abcdef0'),
 * });
 * new PrivateLinkRoute(this, 'Vpc2', {
 *   listener,
 *   vpc: vpc1,
 *   path: '/vpc2',
 *   producerVpc: vpc2,
 *   instances: [web2a, web2b],
 * });
 */
export class PrivateLinkRoute extends Construct {
  /** The route's path; `/` if it gave none. */
  public readonly path: string;

  /** The host names the listener rule matches, in lower case; empty for any host. */
  public readonly hosts: string[];

  /** The ALB path patterns the listener rule matches; empty when it matches hosts only. */
  public readonly pathPatterns: string[];

  /** The listener rule's priority. */
  public readonly priority: number;

  /**
   * The producers the route forwards to, each with the consumer side that reaches it: one, or
   * those of `producers` in their order. `producer`, `port`, `privateLinkTargetGroup`,
   * `targetGroup` and the `metric…` methods are those of the first.
   */
  public readonly destinations: PrivateLinkRouteDestination[];

  /** The TCP port used from the ALB through to the targets: the one the route picked, else the producer's `port`. */
  public readonly port: number;

  /** The service the route forwards to: the one it was given, or the one it created. */
  public readonly producer: IPrivateLinkProducer;

  /** The interface endpoint, its IP lookup and the ALB target groups of the producer's ports. */
  public readonly privateLinkTargetGroup: PrivateLinkTargetGroup;

  /** The ALB target group of type IP holding the endpoint's addresses on the route's port. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The listener rule forwarding the route's paths to the target group. */
  public readonly listenerRule: elbv2.ApplicationListenerRule;

  constructor(scope: Construct, id: string, props: PrivateLinkRouteProps) {
    super(scope, id);
    markAsRoute(this);
    const where = this.node.path;

    // What the route matches, and its clashes with the listener's other routes, first: they are
    // the root cause of most other errors (a repeated path also repeats everything derived from it).
    const match = resolveRoute(where, props);
    const listenerRoutes = routesOnListener(this, props.listener);
    validateRouteAmong(where, match, listenerRoutes);
    this.path = match.path;
    this.hosts = match.hosts;
    this.pathPatterns = match.pathPatterns;
    this.priority = match.priority;

    validateConsumer(this, props);
    const vpc = props.vpc ?? props.consumer?.vpc;
    if (vpc === undefined) {
      throw new Error(`${where}: vpc: give the consumer VPC, where the route's interface endpoint goes, or a consumer.`);
    }
    this.destinations = this.connectDestinations(props, vpc);
    validateRouteProtocols(this, props.listener, this.destinations, props.authentication !== undefined);
    const [first] = this.destinations;
    this.producer = first.producer;
    this.port = first.port;
    this.privateLinkTargetGroup = first.privateLinkTargetGroup;
    this.targetGroup = first.targetGroup;
    for (const destination of this.destinations) {
      // Rules are named by peer and port, so routes sharing a security group and port share them.
      destination.privateLinkTargetGroup.connections.allowFrom(props.listener, ec2.Port.tcp(destination.port), `From the ALB on port ${destination.port}`);
      recordRouteOnTargetGroup(this, destination.targetGroup, props.authentication?.kind,
        `producer '${destination.producer.node.path}' on port ${destination.port}`);
    }
    this.listenerRule = this.addListenerRule(props, match);
    listenerRoutes.push({ match, constructPath: where });
  }

  /** The interface endpoint in the consumer VPC. */
  public get endpoint(): ec2.InterfaceVpcEndpoint {
    return this.privateLinkTargetGroup.endpoint;
  }

  /** The deploy-time lookup of the endpoint's private IP addresses. */
  public get endpointIpAddresses(): EndpointIpAddresses {
    return this.privateLinkTargetGroup.endpointIpAddresses;
  }

  /**
   * The requests the ALB sent to the route's target group: to the route, and to any other route
   * of its consumer (the router) to the same producer and port, which share the group. Sum over
   * 5 minutes by default.
   */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.requestCount(props);
  }

  /** The route's requests that the service answered with a 5xx status. Sum over 5 minutes by default. */
  public metricTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, props);
  }

  /**
   * The route's requests for which the ALB could not connect to an endpoint address: the ALB
   * answers them with 502 itself. ELB counts its own 5xx answers per load balancer only; this is
   * the part of them that one route causes. Sum over 5 minutes by default.
   */
  public metricTargetConnectionErrorCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.targetConnectionErrorCount(props);
  }

  /**
   * The share of the route's requests, in percent, that failed on the route's way: answered
   * with a 5xx by the service, or not connected to the endpoint. Over 5 minutes by default.
   */
  public metricErrorRate(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    return errorRateOf(this.targetGroup, `${routeLabelOf(this)} errors (%)`, props);
  }

  /** The seconds from the ALB sending a request to the service until its answer starts. Average over 5 minutes by default. */
  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.targetResponseTime(props);
  }

  /**
   * The interface endpoint's addresses that pass the ALB's health check, which goes through the
   * endpoint and the producer's NLB to a target. Average over 5 minutes by default.
   */
  public metricHealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.healthyHostCount(props);
  }

  /** The interface endpoint's addresses that fail the ALB's health check. Average over 5 minutes by default. */
  public metricUnhealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount(props);
  }

  /**
   * The producer's targets on the route's port that pass its NLB's health check. Only for a
   * `PrivateLinkProducer` of the app: an import's load balancer is its owner's to watch.
   */
  public metricProducerHealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ownProducer().metricHealthyHostCount({ ...props, port: this.port });
  }

  /** The producer's targets on the route's port that fail its NLB's health check; see `metricProducerHealthyHostCount`. */
  public metricProducerUnhealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ownProducer().metricUnhealthyHostCount({ ...props, port: this.port });
  }

  /** The route's producer, when the app defines it. */
  private ownProducer(): PrivateLinkProducer {
    if (!PrivateLinkProducer.isPrivateLinkProducer(this.producer)) {
      throw new Error(`${this.node.path}: producer: '${this.producer.node.path}' is known by its service name only, so its load balancer's metrics are its owner's to read.`);
    }
    return this.producer;
  }

  /**
   * The producer the route names, after checking that the route names one service in one way;
   * undefined when the route creates its producer.
   */
  private namedProducerOf(props: PrivateLinkRouteProps): IPrivateLinkProducer | undefined {
    const where = this.node.path;
    const named = props.producer;
    // An empty list of targets is no target, as it is for a producer.
    const creates = [props.producerVpc, props.producerSubnets, ...TARGET_PROPS.map((prop) => props[prop])]
      .some((value) => value !== undefined && !(Array.isArray(value) && value.length === 0));
    if (named && creates) {
      throw new Error(`${where}: producer: a route either names a producer or creates one from producerVpc and its targets, not both; leave out producer, or producerVpc, its targets and producerSubnets.`);
    }
    if (!named && !creates) {
      throw new Error(`${where}: producer: the route has nowhere to go; give a producer, or producerVpc with instances, autoScalingGroups, ipAddresses, ecsServices or an applicationLoadBalancer.`);
    }
    if (!named) {
      return undefined;
    }
    if (props.port !== undefined) {
      portAttributesOf(where, named, props.port);
    }
    const portSetting = PORT_SETTING_PROPS.find((prop) => props[prop] !== undefined);
    if (portSetting !== undefined) {
      throw new Error(`${where}: ${portSetting}: a route to an existing producer takes its health checks, deregistration delay, target protocol and protocol version from the producer's port, which its routes share; set them on producer '${named.node.path}'.`);
    }
    return named;
  }

  /**
   * The consumer side of the route's producer: `consumer`'s for a producer the route names, else
   * the route's own. A route without a consumer keeps its endpoints as a consumer does, named
   * after their producer, so that another producer beside the first moves nothing; a producer
   * the route creates is the route's alone, and its endpoint is `PrivateLink`, placed as the
   * consumer places its endpoints when there is one.
   */
  private connect(props: PrivateLinkRouteProps, vpc: ec2.IVpc, producer: IPrivateLinkProducer, port: number,
    named: boolean): PrivateLinkTargetGroup {
    const where = this.node.path;
    const consumer = props.consumer;
    if (named && consumer) {
      return asRouteError(where, `${consumer.node.path}/${sharedEndpointIdOf(producer)}`, () => consumer.addPrivateLinkTargetGroup(producer, port));
    }
    const id = named ? sharedEndpointIdOf(producer) : 'PrivateLink';
    return asRouteError(where, `${where}/${id}`,
      () => connectedTargetGroupOf(this, vpc, consumer?.endpointOptions ?? props, producer, port, id));
  }

  /**
   * The producers the route forwards to, each connected to the consumer side: those of
   * `producers`, or the one it names or creates.
   */
  private connectDestinations(props: PrivateLinkRouteProps, vpc: ec2.IVpc): PrivateLinkRouteDestination[] {
    const weighted = this.weightedProducersOf(props);
    validateStickinessDuration(this.node.path, props.stickinessDuration, weighted !== undefined);
    if (weighted !== undefined) {
      warnOfWeightedRoute(this, weighted, props.stickinessDuration);
      return weighted.map(({ producer, port, weight }) => {
        const privateLinkTargetGroup = this.connect(props, vpc, producer, port, true);
        return { producer, port, weight, privateLinkTargetGroup, targetGroup: privateLinkTargetGroup.targetGroupFor(port) };
      });
    }
    const named = this.namedProducerOf(props);
    const producer = named ?? this.createProducer(props, vpc);
    const port = props.port ?? producer.port;
    const privateLinkTargetGroup = this.connect(props, vpc, producer, port, named !== undefined);
    return [{ producer, port, privateLinkTargetGroup, targetGroup: privateLinkTargetGroup.targetGroupFor(port) }];
  }

  /**
   * The producers of a weighted route, checked, after checking that the route gives nothing
   * that belongs to one producer; undefined for a route without `producers`.
   */
  private weightedProducersOf(props: PrivateLinkRouteProps): ResolvedWeightedProducer[] | undefined {
    const where = this.node.path;
    if (props.producers === undefined) {
      return undefined;
    }
    const single = (['producer', 'producerVpc', 'producerSubnets', ...TARGET_PROPS, 'port', ...PORT_SETTING_PROPS] as const)
      .filter((prop) => props[prop] !== undefined);
    if (single.length > 0) {
      throw new Error(`${where}: producers: a weighted route takes its producers, their ports and the ports' settings (health checks, deregistration delays, protocols) from producers; leave out ${single.join(' and ')} (a port goes with its producer, in producers).`);
    }
    const weighted = resolveWeightedProducers(where, props.producers);
    weighted.forEach(({ producer, port }, index) => portAttributesOf(`${where}: producers[${index}]`, producer, port));
    return weighted;
  }

  /** The listener rule forwarding what the route matches to its target group (or groups, by weight). */
  private addListenerRule(props: PrivateLinkRouteProps, match: RouteMatch): elbv2.ApplicationListenerRule {
    const listener = props.listener;
    const conditions = [
      ...(this.hosts.length > 0 ? [elbv2.ListenerCondition.hostHeaders(this.hosts)] : []),
      ...(this.pathPatterns.length > 0 ? [elbv2.ListenerCondition.pathPatterns(this.pathPatterns)] : []),
    ];
    const rule = new elbv2.ApplicationListenerRule(this, 'Rule', {
      listener,
      priority: this.priority,
      conditions,
      action: this.ruleAction(props),
    });
    // Named after its listener and priority, not the route. CloudFormation creates a resource
    // with a new logical ID before it deletes the old one, and ELB refuses a second rule at a
    // priority the listener already holds (PriorityInUse). So an edit that keeps the priority
    // (another id, path, hosts or producer) updates the rule in place, and one that changes it
    // creates the rule at a priority no rule of the old template holds on this listener. No
    // other route of the stack has the ID: validateRouteAmong checked the priority.
    const cfnRule = rule.node.defaultChild as elbv2.CfnListenerRule;
    cfnRule.overrideLogicalId(`${listenerKeyOf(this, listener)}Rule${this.priority}`);
    if (match.urlRewrite) {
      // The L2 rule has no transforms yet; the CloudFormation resource does.
      cfnRule.transforms = [{
        type: 'url-rewrite',
        urlRewriteConfig: { rewrites: [match.urlRewrite] },
      }];
    }
    return rule;
  }

  /** Forwards to the route's target group (or groups, by weight), after authentication if the route has it. */
  private ruleAction(props: PrivateLinkRouteProps): elbv2.ListenerAction {
    const { listener, authentication } = props;
    const forward = props.producers === undefined
      ? elbv2.ListenerAction.forward([this.targetGroup])
      : elbv2.ListenerAction.weightedForward(this.destinations.map(({ targetGroup, weight }) => ({ targetGroup, weight })),
        { stickinessDuration: props.stickinessDuration });
    if (authentication === undefined) return forward;
    validateAuthenticatedListener(this, listener, authentication);
    // ALB itself calls the identity provider's token and user-info endpoints (or the JWKS
    // endpoint), wherever they are: the one egress to addresses the library opens.
    listener.connections.allowTo(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTPS_PORT), 'To identity providers on HTTPS, for authenticated routes');
    return authentication._actionBefore(this.node.path, forward);
  }

  private createProducer(props: PrivateLinkRouteProps, vpc: ec2.IVpc): PrivateLinkProducer {
    const where = this.node.path;
    const producerVpc = props.producerVpc;
    if (producerVpc === undefined) {
      throw new Error(`${where}: producerVpc: give the VPC of the targets.`);
    }
    // The default made here, so that a VPC without private subnets is reported with the route's prop.
    const producerSubnets = props.producerSubnets ?? privateSubnetsOf(where, 'producerSubnets', producerVpc);
    selectedSubnets(where, 'producerSubnets', producerVpc, producerSubnets, vpc);
    // Named after its VPC: a load balancer cannot move to another VPC, so moving the route
    // builds a new producer (and endpoint) before the old one is deleted.
    const id = `Producer${stableIdOf(this, producerVpc.vpcId)}`;
    return asRouteError(where, `${where}/${id}`, () => new PrivateLinkProducer(this, id, {
      vpc: producerVpc,
      instances: props.instances,
      autoScalingGroups: props.autoScalingGroups,
      ipAddresses: props.ipAddresses,
      ecsServices: props.ecsServices,
      applicationLoadBalancer: props.applicationLoadBalancer,
      port: props.port,
      vpcSubnets: producerSubnets,
      healthCheck: props.healthCheck,
      consumerHealthCheck: props.consumerHealthCheck,
      deregistrationDelay: props.deregistrationDelay,
      targetProtocol: props.targetProtocol,
      protocolVersion: props.protocolVersion,
      deletionProtection: props.deletionProtection,
      // Only this deployment's endpoint may connect, not one that anybody else in the account
      // creates to reach the instances around the ALB.
      allowedPrincipals: props.allowedPrincipals ?? [endpointCreatorOf(this)],
    }), PRODUCER_PROPS_OF_ROUTE);
  }
}

/**
 * Checks that a route given a consumer leaves the endpoints' placement to it, in its VPC.
 */
function validateConsumer(route: PrivateLinkRoute, props: PrivateLinkRouteProps): void {
  const where = route.node.path;
  const consumer = props.consumer;
  if (consumer === undefined) {
    return;
  }
  if (Stack.of(consumer) !== Stack.of(route)) {
    throw new Error(`${where}: consumer: '${consumer.node.path}' is in stack '${Stack.of(consumer).node.path}', and the route in '${Stack.of(route).node.path}'; the route's rule and the endpoint's security-group rule would refer to each other across the stacks, so make the route in the consumer's stack.`);
  }
  if (props.vpc !== undefined && props.vpc !== consumer.vpc && props.vpc.vpcId !== consumer.vpc.vpcId) {
    throw new Error(`${where}: vpc: '${props.vpc.node.path}' is not the VPC of consumer '${consumer.node.path}', '${consumer.vpc.node.path}'; give the consumer's VPC, or another consumer.`);
  }
  const placement = (['endpointSubnets', 'endpointSecurityGroup', 'loadBalancerAvailabilityZones'] as const)
    .filter((prop) => props[prop] !== undefined);
  if (placement.length > 0) {
    throw new Error(`${where}: ${placement[0]}: the route's endpoint is placed by consumer '${consumer.node.path}'; leave out ${placement.join(' and ')}, or the consumer.`);
  }
  recordServedLoadBalancer(route, consumer, props.listener);
}

/** The props of a producer a route creates, under the names the route gives them. */
const PRODUCER_PROPS_OF_ROUTE: Record<string, string> = { vpc: 'producerVpc', vpcSubnets: 'producerSubnets' };
