import { Annotations, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { endpointCreatorOf } from './endpoint-creator';
import { EndpointIpAddresses } from './endpoint-ip-addresses';
import { PrivateLinkProducer } from './private-link-producer';
import { PrivateLinkTargetGroup } from './private-link-target-group';
import { selectedSubnets } from './private-subnets';
import { createsProducer, PrivateLinkRouteOptions, resolveRoute, ResolvedRoute, RouteMatch, routeIdOf, routeLabelOf, validatePort, validateRouteSet } from './route';
import { shortHashOf, stableIdOf } from './stable-id';

/** Properties of a `PrivateLinkRoute`. */
export interface PrivateLinkRouteProps {
  /**
   * What the route matches and where it goes. Its `id` is not used: the route's construct ID is.
   * (A field rather than inherited options, so that Python's constructor keeps one `id`.)
   */
  readonly route: PrivateLinkRouteOptions;

  /** The ALB listener the route's rule is added to. */
  readonly listener: elbv2.IApplicationListener;

  /** The consumer VPC: the ALB's VPC, where the interface endpoint and target group go. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the interface endpoint goes in `vpc`: one network interface per subnet, each
   * registered as an ALB target. Use at most one subnet per Availability Zone, in zones the
   * producer's load balancer and the ALB (`loadBalancerAvailabilityZones`) also cover
   * (synthesis fails otherwise). Other subnets make a new endpoint, created before the old one
   * is deleted.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none;
   * one per Availability Zone that the producer's load balancer and the ALB also cover
   */
  readonly endpointSubnets?: ec2.SubnetSelection;

  /**
   * The interface endpoint's security group; the route allows the listener's load balancer in
   * on the route's port.
   *
   * @default - a new security group for the route's endpoint
   */
  readonly endpointSecurityGroup?: ec2.ISecurityGroup;

  /**
   * The endpoint and ALB target group to forward to, when routes share them. It must be for
   * the route's `producer`, or its `endpointServiceName` and `port`.
   *
   * @default - created for the route's producer
   */
  readonly privateLinkTargetGroup?: PrivateLinkTargetGroup;

  /**
   * Whether the Network Load Balancer the route creates has deletion protection.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * The Availability Zones of the listener's load balancer. The ALB never sends a request to an
   * IP target in a zone it is not enabled in, so the endpoint's subnets are kept to these zones.
   *
   * @default - not checked; keep `endpointSubnets` in the ALB's zones yourself
   */
  readonly loadBalancerAvailabilityZones?: string[];

  /**
   * The principals the endpoint service of the producer the route creates admits: whoever calls
   * CreateVpcEndpoint for the route's endpoint. Give the role you deploy with when it is not the
   * bootstrap's CloudFormation execution role (`cdk deploy --role-arn`, other deployment tools).
   *
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
   * @default - the CloudFormation execution role of the stack's `DefaultStackSynthesizer`
   * (of the top-level stack for a nested stack); the stack's account, with a warning, for other
   * synthesizers
   */
  readonly allowedPrincipals?: iam.ArnPrincipal[];
}

/**
 * One path of an ALB listener served over AWS PrivateLink: a `PrivateLinkProducer` in the producer
 * VPC (unless an existing one is given), a `PrivateLinkTargetGroup` (interface endpoint to it in
 * the consumer VPC, whose IP addresses are the targets of an ALB target group), and a listener
 * rule forwarding the route's paths to that group.
 *
 * `AlbPrivateLinkRouter.addRoute` creates these; create one directly to add a route to an ALB
 * listener of your own.
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

  /** The TCP port used from the ALB through to the instances. */
  public readonly port: number;

  /** The NLB and endpoint service in the producer VPC; none for a route to an `endpointServiceName`. */
  public readonly producer?: PrivateLinkProducer;

  /** The interface endpoint, its IP lookup and the ALB target group the rule forwards to. */
  public readonly privateLinkTargetGroup: PrivateLinkTargetGroup;

  /** The listener rule forwarding the route's paths to the target group. */
  public readonly listenerRule: elbv2.ApplicationListenerRule;

  constructor(scope: Construct, id: string, props: PrivateLinkRouteProps) {
    super(scope, id);

    const options = props.route;
    const route = resolveRoute(options);
    this.path = route.path;
    this.hosts = route.hosts;
    this.pathPatterns = route.pathPatterns;
    this.priority = route.priority;
    this.port = route.port;

    const given = props.privateLinkTargetGroup;
    if (given) {
      if (createsProducer(options)) {
        throw new Error(`Route '${route.label}': privateLinkTargetGroup '${given.node.path}' cannot serve a route that creates its own producer; name the group's producer or service in the route, or leave privateLinkTargetGroup out.`);
      }
      const fits = options.producer
        ? given.producer === options.producer
        : given.producer === undefined
          && serviceKeyOf(this, given.endpointServiceName, given.port) === serviceKeyOf(this, options.endpointServiceName!, this.port);
      if (!fits) {
        throw new Error(`Route '${route.label}': privateLinkTargetGroup '${given.node.path}' is for another producer or service; give the route its producer or service name and port, or leave privateLinkTargetGroup out.`);
      }
    }
    this.producer = createsProducer(options) ? this.createProducer(props, route.label) : options.producer;
    this.privateLinkTargetGroup = given ?? new PrivateLinkTargetGroup(this, 'PrivateLink', {
      vpc: props.vpc,
      producer: this.producer,
      endpointServiceName: options.endpointServiceName,
      port: this.port,
      healthCheck: options.healthCheck,
      deregistrationDelay: options.deregistrationDelay,
      endpointSubnets: props.endpointSubnets,
      endpointSecurityGroup: props.endpointSecurityGroup,
      loadBalancerAvailabilityZones: props.loadBalancerAvailabilityZones,
    });
    // Rules are named by peer and port, so routes sharing a security group and port share them.
    this.privateLinkTargetGroup.connections.allowFrom(props.listener, ec2.Port.tcp(this.port), `From the ALB on port ${this.port}`);

    const conditions = [
      ...(this.hosts.length > 0 ? [elbv2.ListenerCondition.hostHeaders(this.hosts)] : []),
      ...(this.pathPatterns.length > 0 ? [elbv2.ListenerCondition.pathPatterns(this.pathPatterns)] : []),
    ];
    this.listenerRule = new elbv2.ApplicationListenerRule(this, 'Rule', {
      listener: props.listener,
      priority: this.priority,
      conditions,
      action: elbv2.ListenerAction.forward([this.privateLinkTargetGroup.targetGroup]),
    });
    // Named after its listener and priority, not the route. CloudFormation creates a resource
    // with a new logical ID before it deletes the old one, and ELB refuses a second rule at a
    // priority the listener already holds (PriorityInUse). So an edit that keeps the priority
    // (another id, path, hosts or producer) updates the rule in place, and one that changes it
    // creates the rule at a priority no rule of the old template holds on this listener.
    const cfnRule = this.listenerRule.node.defaultChild as elbv2.CfnListenerRule;
    cfnRule.overrideLogicalId(this.claimRuleLogicalId(props.listener, route.label));
    if (route.urlRewrite) {
      // The L2 rule has no transforms yet; the CloudFormation resource does.
      cfnRule.transforms = [{
        type: 'url-rewrite',
        urlRewriteConfig: { rewrites: [route.urlRewrite] },
      }];
    }
  }

  /** The interface endpoint in the consumer VPC. */
  public get endpoint(): ec2.InterfaceVpcEndpoint {
    return this.privateLinkTargetGroup.endpoint;
  }

  /** The deploy-time lookup of the endpoint's private IP addresses. */
  public get endpointIpAddresses(): EndpointIpAddresses {
    return this.privateLinkTargetGroup.endpointIpAddresses;
  }

  /** The ALB target group of type IP holding the endpoint's addresses. */
  public get targetGroup(): elbv2.ApplicationTargetGroup {
    return this.privateLinkTargetGroup.targetGroup;
  }

  /**
   * The listener rule's logical ID, `<listener>Rule<priority>`, after checking that no other route
   * of the stack has it: two imports of one listener, or two routes added to one listener
   * outside a router, could otherwise ask for one priority twice.
   */
  private claimRuleLogicalId(listener: elbv2.IApplicationListener, label: string): string {
    const logicalId = `${stableIdOf(this, listener.listenerArn)}Rule${this.priority}`;
    const claimed = claimedRuleLogicalIds(Stack.of(this));
    const holder = claimed.get(logicalId);
    if (holder !== undefined) {
      throw new Error(`${this.node.path}: priority: route '${label}' asks for priority ${this.priority}, which route '${holder}' already has on the same listener; give one of them another priority.`);
    }
    claimed.set(logicalId, this.node.path);
    return logicalId;
  }

  private createProducer(props: PrivateLinkRouteProps, label: string): PrivateLinkProducer {
    const options = props.route;
    // resolveRoute has checked that a route creating its producer has the VPC and targets.
    const producerVpc = options.producerVpc!;
    if (options.producerSubnets) {
      selectedSubnets(`Route '${label}'`, 'producer subnets', producerVpc, options.producerSubnets, props.vpc);
    }
    // Named after its VPC: a load balancer cannot move to another VPC, so moving the route
    // builds a new producer (and endpoint) before the old one is deleted.
    return new PrivateLinkProducer(this, `Producer${stableIdOf(this, producerVpc.vpcId)}`, {
      vpc: producerVpc,
      instances: options.instances,
      autoScalingGroups: options.autoScalingGroups,
      ipAddresses: options.ipAddresses,
      port: this.port,
      vpcSubnets: options.producerSubnets,
      healthCheck: options.healthCheck,
      deregistrationDelay: options.deregistrationDelay,
      deletionProtection: props.deletionProtection,
      // Only this deployment's endpoint may connect, not one that anybody else in the account
      // creates to reach the instances around the ALB.
      allowedPrincipals: props.allowedPrincipals ?? [endpointCreatorOf(this)],
    });
  }
}

/** The listener-rule logical IDs routes have taken, per stack, with the path of the route that took each. */
const ruleLogicalIdsByStack = new WeakMap<Stack, Map<string, string>>();

function claimedRuleLogicalIds(stack: Stack): Map<string, string> {
  let claimed = ruleLogicalIdsByStack.get(stack);
  if (claimed === undefined) {
    claimed = new Map();
    ruleLogicalIdsByStack.set(stack, claimed);
  }
  return claimed;
}

/** The default listener ports; the listener that redirects HTTP to HTTPS is on HTTP_PORT. */
const HTTP_PORT = 80;
const HTTPS_PORT = 443;

/** Properties of an `AlbPrivateLinkRouter`. */
export interface AlbPrivateLinkRouterProps {
  /** The consumer VPC: the ALB and every route's interface endpoint go in it. */
  readonly vpc: ec2.IVpc;

  /**
   * The routes to serve. More can be added with `addRoute`.
   *
   * @default - none
   */
  readonly routes?: PrivateLinkRouteOptions[];

  /**
   * Whether the ALB is internet-facing.
   *
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * Whether the listener, and the HTTP listener that redirects to it, admit any IPv4 address on
   * their ports. With `false` nothing may connect until you allow it:
   * `router.connections.allowDefaultPortFrom(peer)` for the listener port, and
   * `router.connections.allowFrom(peer, ec2.Port.tcp(80))` for the redirect.
   *
   * @default true
   */
  readonly open?: boolean;

  /**
   * The port of the listener.
   *
   * @default - 443 with `certificates`, otherwise 80
   */
  readonly listenerPort?: number;

  /**
   * Certificates for an HTTPS listener, for example
   * `elbv2.ListenerCertificate.fromCertificateManager(certificate)`. The first is the default
   * certificate; the others are chosen by SNI.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
   * @default - HTTP only
   */
  readonly certificates?: elbv2.IListenerCertificate[];

  /**
   * The TLS security policy of the HTTPS listener. Needs `certificates`. The default is set
   * explicitly: left out, the ELB API would choose ELBSecurityPolicy-2016-08, which allows TLS 1.0.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   * @default - `SslPolicy.RECOMMENDED_TLS`, which is ELBSecurityPolicy-TLS13-1-2-2021-06
   * (TLS 1.3 and 1.2) in aws-cdk-lib 2.257
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Whether an HTTP listener on port 80 answers every request with a permanent (301) redirect
   * to HTTPS on `listenerPort`. Needs `certificates`.
   *
   * @default - true with `certificates`, otherwise false
   */
  readonly redirectHttp?: boolean;

  /**
   * Where the ALB goes.
   *
   * @default - public subnets when internet-facing, otherwise private subnets
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;

  /**
   * Where each route's interface endpoint goes in `vpc`. Every subnet must be in a zone that the
   * route's producer load balancer and the ALB cover (synthesis fails otherwise). Other subnets
   * make new endpoints, created before the old ones are deleted.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none;
   * one per Availability Zone that the route's producer load balancer and the ALB also cover
   */
  readonly endpointSubnets?: ec2.SubnetSelection;

  /**
   * The principals the endpoint services of the producers that routes create admit; see
   * `PrivateLinkRouteProps.allowedPrincipals`.
   *
   * @default - the CloudFormation execution role of the stack's `DefaultStackSynthesizer`
   */
  readonly allowedPrincipals?: iam.ArnPrincipal[];

  /**
   * Whether the ALB and every route's Network Load Balancer have deletion protection:
   * CloudFormation can then not delete them until the protection is turned off.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * Whether the ALB writes access logs: one place to see the requests to every VPC behind the
   * router. Needs a stack with an explicit region: aws-cdk-lib grants log delivery per region.
   *
   * Without `accessLogsBucket` the router creates the bucket: encrypted with S3-managed keys
   * (SSE-S3, the only encryption ALB access logs support), TLS-only bucket policy, all public
   * access blocked, ACLs disabled (bucket owner enforced), unversioned, logs deleted after
   * `accessLogsRetention`. It is retained when the stack is deleted, so the logs outlive the
   * stack; delete it yourself when they are no longer needed.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
   * @default - true when `accessLogsBucket` is given, otherwise false
   */
  readonly accessLogs?: boolean;

  /**
   * The S3 bucket to write ALB access logs to, instead of one the router creates. ALB can write
   * only to a bucket in its region encrypted with S3-managed keys (SSE-S3), not with KMS.
   * Needs a stack with an explicit region.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
   * @default - a bucket created by the router when `accessLogs` is true, otherwise no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * The key prefix of the access logs in the bucket.
   *
   * @default - no prefix
   */
  readonly accessLogsPrefix?: string;

  /**
   * How long the bucket the router creates keeps access logs: a lifecycle rule deletes them
   * after this many whole days. Only for the bucket the router creates.
   *
   * @default Duration.days(90)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * The most routes the listener may hold. ALB allows 100 rules per load balancer unless the
   * quota is raised; raise this after raising the quota. Other quotas bind sooner: each route
   * that creates its producer adds a Network Load Balancer (50 per Region by default), and each
   * producer that routes reach adds an interface endpoint to the consumer VPC (50 per VPC by
   * default).
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html
   * @default 100
   */
  readonly maxRoutes?: number;
}

/**
 * One Application Load Balancer routing requests by path to services in other VPCs over AWS
 * PrivateLink, deployable in a single `cdk deploy`.
 *
 * Each route gets its own `PrivateLinkProducer` (NLB + endpoint service) in its producer VPC, an
 * interface endpoint in the consumer VPC whose IP addresses are looked up at deploy time and
 * registered as ALB targets, and a listener rule. Requests matching no route get a 404.
 */
export class AlbPrivateLinkRouter extends Construct implements ec2.IConnectable {
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The listener that holds one rule per route: HTTPS with `certificates`, otherwise HTTP. */
  public readonly listener: elbv2.ApplicationListener;

  /** The HTTP listener on port 80 that redirects every request to HTTPS, if there is one. */
  public readonly httpRedirectListener?: elbv2.ApplicationListener;

  /** The bucket the ALB writes access logs to: `accessLogsBucket` or the one created, if any. */
  public readonly accessLogsBucket?: s3.IBucket;

  /** The ALB's connections, with the listener port as default port. */
  public readonly connections: ec2.Connections;

  /**
   * The security group of every route's interface endpoint: each route port from the ALB only.
   * One group serves all routes because an endpoint forwards only the ports its producer's load
   * balancer listens on.
   */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;

  private readonly vpc: ec2.IVpc;
  private readonly endpointSubnets?: ec2.SubnetSelection;
  private readonly loadBalancerAvailabilityZones: string[];
  private readonly allowedPrincipals?: iam.ArnPrincipal[];
  private readonly deletionProtection?: boolean;
  private readonly maxRoutes: number;
  private readonly routeList: PrivateLinkRoute[] = [];
  private readonly routeMatches: RouteMatch[] = [];
  private readonly sharedTargetGroups = new Map<PrivateLinkProducer | string, SharedTargetGroup>();
  /** The first route to create a producer for each set of targets and settings, by that set. */
  private readonly createdProducers = new Map<string, string>();

  constructor(scope: Construct, id: string, props: AlbPrivateLinkRouterProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.endpointSubnets = props.endpointSubnets;
    this.allowedPrincipals = props.allowedPrincipals;
    this.deletionProtection = props.deletionProtection;
    this.maxRoutes = props.maxRoutes ?? 100;

    const https = this.validateHttps(props);
    const listenerPort = props.listenerPort ?? (https ? HTTPS_PORT : HTTP_PORT);
    validatePort(`${this.node.path}: listenerPort`, listenerPort);
    const redirectHttp = props.redirectHttp ?? https;
    if (redirectHttp && listenerPort === HTTP_PORT) {
      throw new Error(`${this.node.path}: listenerPort is ${HTTP_PORT}, the port of the HTTP listener that redirects to HTTPS; choose another listenerPort, or set redirectHttp: false.`);
    }
    const accessLogs = this.validateAccessLogs(props);
    if (!Number.isInteger(this.maxRoutes) || this.maxRoutes < 1) {
      throw new Error(`${this.node.path}: maxRoutes must be a positive integer, got ${this.maxRoutes}.`);
    }
    const internetFacing = props.internetFacing ?? true;
    if (internetFacing && props.loadBalancerSubnets === undefined && props.vpc.publicSubnets.length === 0) {
      throw new Error(`${this.node.path}: an internet-facing ALB needs public subnets, and VPC '${props.vpc.node.path}' has none; add public subnets, choose loadBalancerSubnets, or set internetFacing: false.`);
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'AlbPrivateLinkRouter ALB: listener port from allowed clients, route ports to endpoints',
      allowAllOutbound: false,
    });

    // aws-cdk-lib's default placement, made explicit so that the endpoints can follow its zones.
    const loadBalancerSubnets = props.loadBalancerSubnets ?? (internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : {});
    this.loadBalancerAvailabilityZones = props.vpc.selectSubnets(loadBalancerSubnets).availabilityZones;
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: loadBalancerSubnets,
      securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
    });

    if (accessLogs) {
      this.accessLogsBucket = props.accessLogsBucket ?? this.createAccessLogsBucket(props.accessLogsRetention ?? Duration.days(90));
      this.loadBalancer.logAccessLogs(this.accessLogsBucket, props.accessLogsPrefix);
    }

    const open = props.open ?? true;
    // The same construct ID either way: turning HTTPS on updates the listener in place, so the
    // route rules that refer to it stay.
    this.listener = this.loadBalancer.addListener('Listener', {
      port: listenerPort,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: props.certificates,
      sslPolicy: https ? props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      open,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'No route matches this path.',
      }),
    });
    if (redirectHttp) {
      this.httpRedirectListener = this.loadBalancer.addListener('HttpRedirect', {
        port: HTTP_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(listenerPort), permanent: true }),
      });
      // Turning HTTPS on moves the listener from port 80 to 443; the redirect may take port 80
      // only after that (ELB answers DuplicateListener otherwise).
      this.httpRedirectListener.node.addDependency(this.listener);
    }
    this.connections = this.listener.connections;
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      description: 'AlbPrivateLinkRouter interface endpoints: route ports from the ALB only',
      allowAllOutbound: false,
    });
    if (open) {
      const ports = redirectHttp ? `its listener port, and on port ${HTTP_PORT} only to redirect it to HTTPS,` : 'its listener port';
      Validations.of(securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: `The listener is public because the router's \`open\` is true: an internet entry point accepts any client on ${ports} and nothing else. Set open: false and allow clients through \`connections\` to restrict it.`,
      });
    }

    for (const route of props.routes ?? []) {
      this.addRoute(route);
    }
  }

  /** The routes added so far, in the order they were added. */
  public get routes(): PrivateLinkRoute[] {
    return [...this.routeList];
  }

  /**
   * Adds a route: requests matching `route.path` (and `route.hosts`) are forwarded over
   * PrivateLink to `route.instances` or `route.producer`. Throws if the route conflicts with one already added.
   */
  public addRoute(route: PrivateLinkRouteOptions): PrivateLinkRoute {
    const label = routeLabelOf(route);
    if (this.routeList.length >= this.maxRoutes) {
      throw new Error(`${this.node.path}: maxRoutes: cannot add route '${label}': the listener already holds ${this.maxRoutes} routes. ALB allows 100 rules per load balancer by default; raise the quota, then maxRoutes (and, for routes with producers of their own, the quotas of 50 Network Load Balancers per Region and 50 interface endpoints per VPC).`);
    }
    // The route's own mistakes and its clashes with other routes first: a repeated path also
    // repeats the derived construct ID, but the path is the root cause. Checked before building,
    // since a route's constructor already adds rules to shared security groups.
    const resolved = resolveRoute(route);
    validateRouteSet([...this.routeMatches, resolved]);
    const id = route.id ?? routeIdOf(route);
    if (id.length === 0 || id.includes('/')) {
      throw new Error(`${this.node.path}: route '${label}' has id '${id}'; a construct ID must be non-empty without '/', or leave it out to derive one from the path.`);
    }
    const taken = this.node.tryFindChild(id);
    if (taken instanceof PrivateLinkRoute) {
      throw new Error(`${this.node.path}: routes '${routeLabelOf(taken)}' and '${label}' have the same construct ID '${id}'; give one of them a different 'id'.`);
    }
    if (taken) {
      throw new Error(`${this.node.path}: route '${label}' has construct ID '${id}', which the router uses for its ${id}; give the route a different 'id'.`);
    }
    const added = new PrivateLinkRoute(this, id, {
      route,
      listener: this.listener,
      vpc: this.vpc,
      endpointSubnets: this.endpointSubnets,
      loadBalancerAvailabilityZones: this.loadBalancerAvailabilityZones,
      endpointSecurityGroup: this.endpointSecurityGroup,
      privateLinkTargetGroup: this.sharedTargetGroupFor(route, resolved),
      deletionProtection: this.deletionProtection,
      allowedPrincipals: this.allowedPrincipals,
    });
    this.routeList.push(added);
    this.routeMatches.push(resolved);
    if (createsProducer(route)) {
      this.warnOfDuplicateProducer(route, resolved, added);
    }
    return added;
  }

  /**
   * Warns when a route creates a producer just like one an earlier route created: two NLBs,
   * endpoint services and endpoints where one would do. The router does not merge them itself: a
   * merged producer would need a construct ID derived from its targets, so adding an instance
   * would replace it, and removing the first route must not move it.
   */
  private warnOfDuplicateProducer(route: PrivateLinkRouteOptions, resolved: ResolvedRoute, added: PrivateLinkRoute): void {
    const pathsOf = (constructs: IConstruct[]) => constructs.map((construct) => construct.node.path).sort();
    const producerVpc = route.producerVpc!;
    const key = JSON.stringify([
      producerVpc.node.path,
      resolved.port,
      pathsOf(route.instances ?? []),
      pathsOf(route.autoScalingGroups ?? []),
      [...(route.ipAddresses ?? [])].sort(),
      route.producerSubnets ? pathsOf(producerVpc.selectSubnets(route.producerSubnets).subnets) : 'default subnets',
      targetSettingsOf(route),
    ]);
    const first = this.createdProducers.get(key);
    if (first === undefined) {
      this.createdProducers.set(key, resolved.label);
      return;
    }
    Annotations.of(added).addWarningV2('cdk-alb-privatelink-router:duplicateProducer',
      `Route '${resolved.label}' creates a producer for the same targets, port and settings as route '${first}': two Network Load Balancers, endpoint services and endpoints where one would do. Create one PrivateLinkProducer and give it to both routes as 'producer'.`);
  }

  /** Checks the HTTPS props; returns whether the listener is HTTPS. */
  private validateHttps(props: AlbPrivateLinkRouterProps): boolean {
    if (props.certificates === undefined) {
      if (props.sslPolicy !== undefined) {
        throw new Error(`${this.node.path}: sslPolicy is set without certificates; give certificates for an HTTPS listener, or leave sslPolicy out.`);
      }
      if (props.redirectHttp) {
        throw new Error(`${this.node.path}: redirectHttp is true without certificates, so there is no HTTPS listener to redirect to; give certificates, or leave redirectHttp out.`);
      }
      return false;
    }
    if (props.certificates.length === 0) {
      throw new Error(`${this.node.path}: certificates is empty; give at least one certificate for an HTTPS listener, or leave certificates out for HTTP.`);
    }
    return true;
  }

  /** Checks the access-log props; returns whether the ALB writes access logs. */
  private validateAccessLogs(props: AlbPrivateLinkRouterProps): boolean {
    const accessLogs = props.accessLogs ?? props.accessLogsBucket !== undefined;
    if (!accessLogs && props.accessLogsBucket) {
      throw new Error(`${this.node.path}: accessLogs is false but accessLogsBucket is given; leave accessLogs out to write logs to the bucket, or leave the bucket out.`);
    }
    if (!accessLogs && props.accessLogsPrefix !== undefined) {
      throw new Error(`${this.node.path}: accessLogsPrefix is set without accessLogsBucket; give the bucket too, or set accessLogs: true to have one created.`);
    }
    if (props.accessLogsRetention !== undefined) {
      if (!accessLogs || props.accessLogsBucket) {
        throw new Error(`${this.node.path}: accessLogsRetention applies only to the bucket the router creates (accessLogs: true without accessLogsBucket); give your own bucket its lifecycle rules yourself.`);
      }
      const days = props.accessLogsRetention.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 1) {
        throw new Error(`${this.node.path}: accessLogsRetention must be a whole number of days, at least 1; got ${props.accessLogsRetention.toHumanString()}.`);
      }
    }
    // Checked here, before anything is created: aws-cdk-lib's own error would not name the router.
    if (accessLogs && Token.isUnresolved(Stack.of(this).region)) {
      throw new Error(`${this.node.path}: access logs need a stack with an explicit region: aws-cdk-lib grants ALB log delivery to the bucket per region. Give the stack an env with a region, or leave access logs off.`);
    }
    return accessLogs;
  }

  /**
   * A bucket for the ALB's access logs only. Versioning stays off: ALB writes each log file once,
   * under a new key, so versions would keep nothing more, and expiry would leave noncurrent
   * versions behind that need a rule of their own.
   */
  private createAccessLogsBucket(retention: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // The only server-side encryption ALB log delivery supports.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [{ expiration: retention }],
      // Logs are a record of what happened, so they outlive the stack; the lifecycle rule still
      // expires them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the ALB access logs; server access logs of it would need another bucket, which would need logs of its own. Audit access to it with CloudTrail S3 data events.',
    });
    return bucket;
  }

  /**
   * The endpoint and ALB target group of a producer or service name that routes name, made once
   * and named after the producer or service, so that it stays the same whichever routes use it.
   * Undefined for a route that creates its own producer.
   */
  private sharedTargetGroupFor(route: PrivateLinkRouteOptions, resolved: ResolvedRoute): PrivateLinkTargetGroup | undefined {
    const serviceName = route.endpointServiceName;
    if (createsProducer(route)) {
      return undefined;
    }
    const key = route.producer ?? serviceKeyOf(this, serviceName!, resolved.port);
    // Health checks are the target group's, so routes sharing one must agree on them.
    const settings = targetSettingsOf(route);
    const existing = this.sharedTargetGroups.get(key);
    if (existing) {
      if (existing.settings !== settings) {
        throw new Error(`${this.node.path}: route '${resolved.label}' and route '${existing.firstLabel}' share an endpoint service and port but give different healthCheck or deregistrationDelay; give both the same.`);
      }
      return existing.targetGroup;
    }
    const id = route.producer
      ? `PrivateLink-${route.producer.node.path.replace(/\//g, '-')}`
      : `PrivateLink-${serviceIdOf(key as string)}-${resolved.port}`;
    const targetGroup = new PrivateLinkTargetGroup(this, id, {
      vpc: this.vpc,
      producer: route.producer,
      endpointServiceName: serviceName,
      port: resolved.port,
      healthCheck: route.healthCheck,
      deregistrationDelay: route.deregistrationDelay,
      endpointSubnets: this.endpointSubnets,
      loadBalancerAvailabilityZones: this.loadBalancerAvailabilityZones,
      endpointSecurityGroup: this.endpointSecurityGroup,
    });
    this.sharedTargetGroups.set(key, { targetGroup, settings, firstLabel: resolved.label });
    return targetGroup;
  }
}

/**
 * An endpoint service name and port as one comparable string: a name that is a token compares
 * by what it resolves to, so two `Fn.importValue` calls for one export give the same key.
 */
function serviceKeyOf(scope: Construct, serviceName: string, port: number): string {
  return `${JSON.stringify(Stack.of(scope).resolve(serviceName))}:${port}`;
}

/**
 * A route's health check and deregistration delay as JSON, for comparing routes; durations by
 * length, so that minutes(5) and seconds(300) agree.
 */
function targetSettingsOf(route: PrivateLinkRouteOptions): string {
  return JSON.stringify({ healthCheck: route.healthCheck, deregistrationDelay: route.deregistrationDelay },
    (_key, value) => value instanceof Duration ? value.toSeconds() : value);
}

/** A target group routes share, with what they must agree on. */
interface SharedTargetGroup {
  readonly targetGroup: PrivateLinkTargetGroup;
  /** The health check and deregistration delay, as JSON. */
  readonly settings: string;
  readonly firstLabel: string;
}

/**
 * A construct ID part for a service name: the `vpce-svc-…` ID of a literal name, or a hash of a
 * name that is a token (its resolved form is stable across synths).
 */
function serviceIdOf(resolvedName: string): string {
  const literal = resolvedName.match(/^"(?:.*\.)?(vpce-svc-[0-9a-z]+)"/);
  return literal ? literal[1] : `Service${shortHashOf(resolvedName).toLowerCase()}`;
}
