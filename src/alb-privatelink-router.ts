import { Annotations, Duration, FeatureFlags, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, IConstruct } from 'constructs';
import { awaitInternetGatewayOfIpv6Routes } from './private/aws-cdk-lib-internals';
import { HTTPS_PORT, ipv6BlockAssociationsOf, isDualStack, openToIpv6, validateDomain, validateIpAddressType, validateWebAclArn } from './private/front-door';
import { ListenerRoute, resolveRoute, routeIdOf, routeLabelOf, validateRouteAmong } from './private/route-match';
import { makeRoutesObservable } from './private/route-observers';
import { routesOnListener } from './private/route-registry';
import { validateAccessLogsPrefix, validateConstructId, validateLoadBalancerZones, validateMaxRoutes, warnOfCertificateQuota } from './private/router-validation';
import { connectedTargetGroupOf } from './private/shared-endpoints';
import { PORT_SETTING_PROPS, TARGET_PROPS, validatePort, validateSynthTimeNumber } from './private/validation';
import { IPrivateLinkConsumer } from './private-link-consumer';
import { IPrivateLinkProducer } from './private-link-producer';
import { PrivateLinkRoute, PrivateLinkRouteOptions, PrivateLinkRouteProps } from './private-link-route';
import { PrivateLinkEndpointOptions, PrivateLinkTargetGroup } from './private-link-target-group';

/** A route of an `AlbPrivateLinkRouter`: what it matches and where it goes, and its construct ID. */
export interface AddPrivateLinkRouteOptions extends PrivateLinkRouteOptions {
  /**
   * The construct ID of the route's resources. Logical IDs derive from it, so changing it
   * replaces the route's resources.
   *
   * @default - derived from the path (`/api/v2` becomes `api-v2`, `/` becomes `root`), after
   * the alphabetically first host if there are hosts (`api.example.com-v2`)
   */
  readonly id?: string;
}

/** The default listener ports; the listener that redirects HTTP to HTTPS is on HTTP_PORT. */
const HTTP_PORT = 80;

/** What the router's props decide about the ALB and its listeners. */
interface FrontDoor {
  readonly https: boolean;
  readonly listenerPort: number;
  readonly redirectHttp: boolean;
  readonly accessLogs: boolean;
  readonly internetFacing: boolean;
  readonly open: boolean;
  readonly ipAddressType?: elbv2.IpAddressType;
}

/** Properties of an `AlbPrivateLinkRouter`. */
export interface AlbPrivateLinkRouterProps {
  /** The consumer VPC: the ALB and every route's interface endpoint go in it. */
  readonly vpc: ec2.IVpc;

  /**
   * The routes to serve. More can be added with `addRoute`.
   *
   * @default - none
   */
  readonly routes?: AddPrivateLinkRouteOptions[];

  /**
   * Whether the ALB is internet-facing: the router is an entry point from the internet unless
   * told otherwise.
   *
   * @default - true (aws-cdk-lib's `ApplicationLoadBalancer` defaults to false)
   */
  readonly internetFacing?: boolean;

  /**
   * Whether the listener, and the HTTP listener that redirects to it, admit any IPv4 (and, dual-stack, IPv6) address on
   * their ports. With `false` nothing may connect until you allow it:
   * `router.connections.allowDefaultPortFrom(peer)` for the listener port, and
   * `router.connections.allowFrom(peer, ec2.Port.tcp(80))` for the redirect.
   *
   * @default true
   */
  readonly open?: boolean;

  /**
   * The name the router answers to, for example `shop.example.com`: with `domainZone`, the router
   * requests an ACM certificate for it, validated by DNS in that zone, makes the listener HTTPS
   * with it (and the redirect from HTTP, as with `certificates`), and adds an alias `A` record
   * for it pointing at the ALB, and an `AAAA` record with a dual-stack `ipAddressType`. With
   * `certificates` too, the name's certificate is the default one and the given ones are chosen
   * by SNI. At most 64 characters, the limit of a certificate's first name.
   *
   * @see https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
   * @see https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
   * @default - no name: the ALB's own DNS name only
   */
  readonly domainName?: string;

  /**
   * The public hosted zone of `domainName`, where its certificate is validated and its records
   * go. It must be a zone that public DNS delegates to, or the certificate never validates and
   * the deployment waits for it.
   *
   * @default - none; needed with `domainName`
   */
  readonly domainZone?: route53.IHostedZone;

  /**
   * The IP addresses the ALB takes clients on: IPv4 (`IPV4`), IPv4 and IPv6 (`DUAL_STACK`), or
   * IPv6 and no public IPv4 (`DUAL_STACK_WITHOUT_PUBLIC_IPV4`, internet-facing only, which saves
   * the charge for the ALB's public IPv4 addresses). Dual-stack needs subnets with IPv6 CIDR
   * blocks (synthesis fails otherwise), and with `open` the listeners admit any IPv6 address as
   * well. Behind the ALB everything stays IPv4: the endpoints and their target groups.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-ip-address-type.html
   * @default elbv2.IpAddressType.IPV4
   */
  readonly ipAddressType?: elbv2.IpAddressType;

  /**
   * The ARN of a regional AWS WAF web ACL to protect the ALB with: the router associates it
   * (`AWS::WAFv2::WebACLAssociation`) once the ALB exists. A CloudFront (global) web ACL, a
   * malformed ARN or one in another Region fails synthesis, where the ARN can be read.
   *
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * The port of the listener.
   *
   * @default - 443 with `certificates`, otherwise 80
   */
  readonly listenerPort?: number;

  /**
   * Certificates for an HTTPS listener, for example
   * `elbv2.ListenerCertificate.fromCertificateManager(certificate)`. The first is the default
   * certificate; the others are chosen by SNI. An ALB holds 25 besides the default one unless
   * its quota is raised (more give a warning).
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
   * @default - HTTP only
   */
  readonly certificates?: elbv2.IListenerCertificate[];

  /**
   * The TLS security policy of the HTTPS listener. Needs `certificates` or `domainName`. Never weaker than
   * aws-cdk-lib's own default: left out, the ELB API would choose ELBSecurityPolicy-2016-08,
   * which allows TLS 1.0, so without the feature flag the router sets RECOMMENDED_TLS itself.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   * @default - with the feature flag `@aws-cdk/aws-elasticloadbalancingv2:usePostQuantumTlsPolicy`
   * (on in apps made by `cdk init`), aws-cdk-lib's default for it: `SslPolicy.TLS13_12_PQ`,
   * ELBSecurityPolicy-TLS13-1-2-PQ-2025-09 (TLS 1.3 and 1.2 with post-quantum key exchange) in
   * aws-cdk-lib 2.257; without it, `SslPolicy.RECOMMENDED_TLS`, ELBSecurityPolicy-TLS13-1-2-2021-06
   * (TLS 1.3 and 1.2), where aws-cdk-lib would set none
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Client certificates on the HTTPS listener (mutual TLS). In `VERIFY` mode, with a trust
   * store, the ALB admits only clients whose certificate chains to one of its CAs and tells the
   * targets who they are in `X-Amzn-Mtls-Clientcert-*` headers; in `PASS_THROUGH` mode it
   * admits any client and passes the client's certificate chain in `X-Amzn-Mtls-Clientcert`
   * for the targets to check. Needs `certificates` or `domainName`; the HTTP redirect, if any,
   * takes no client certificates.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/mutual-authentication.html
   * @default - no client certificates
   */
  readonly mutualAuthentication?: elbv2.MutualAuthentication;

  /**
   * Whether an HTTP listener on port 80 answers every request with a permanent (301) redirect
   * to HTTPS on `listenerPort`. Needs `certificates`.
   *
   * @default - true with `certificates`, otherwise false
   */
  readonly redirectHttp?: boolean;

  /**
   * Where the ALB goes (its `vpcSubnets`, named apart from `endpointSubnets`): subnets in at
   * least two Availability Zones, as ELB requires.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html
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
   * The key prefix of the access logs in the bucket. ELB adds `AWSLogs/<account>/...` after
   * it, so the prefix may not contain `AWSLogs`.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
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
   * The most routes the listener may hold, at most 50,000 (the number of rule priorities a
   * listener has). ALB allows 100 rules per load balancer unless the quota is raised; raise this
   * after raising the quota. Other quotas bind sooner: each route
   * that creates its producer adds a Network Load Balancer (50 per Region by default), and each
   * producer that routes reach adds an interface endpoint to the consumer VPC (50 per VPC by
   * default).
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html
   * @default 100
   */
  readonly maxRoutes?: number;
}

/**
 * One Application Load Balancer routing requests by path to services in other VPCs over AWS
 * PrivateLink, deployable in a single `cdk deploy`.
 *
 * Each route names a producer (`IPrivateLinkProducer`) or creates a `PrivateLinkProducer` (NLB +
 * endpoint service) in its producer VPC; it reaches the producer through an interface endpoint in
 * the consumer VPC, whose IP addresses are looked up at deploy time and registered as ALB
 * targets, and adds a listener rule. Routes naming one producer share its endpoint and lookup,
 * and those on one of its ports a target group. Requests matching no route get a 404.
 *
 * @example
 * import { AlbPrivateLinkRouter } from 'cdk-alb-privatelink-router';
 *
 * const router = new AlbPrivateLinkRouter(this, 'Router', {
 *   vpc: vpc1, // the consumer VPC: the ALB and the interface endpoints
 *   routes: [
 *     { path: '/vpc2', producerVpc: vpc2, instances: [web2a, web2b] },
 *     { path: '/vpc3', producerVpc: vpc3, instances: [web3a, web3b] },
 *   ],
 * });
 * router.addRoute({ path: '/api', producerVpc: vpc4, instances: [api], port: 8080 });
 */
export class AlbPrivateLinkRouter extends Construct implements ec2.IConnectable, IPrivateLinkConsumer {
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The listener that holds one rule per route: HTTPS with `certificates`, otherwise HTTP. */
  public readonly listener: elbv2.ApplicationListener;

  /** The HTTP listener on port 80 that redirects every request to HTTPS, if there is one. */
  public readonly httpRedirectListener?: elbv2.ApplicationListener;

  /** The certificate made for `domainName`, if any. */
  public readonly certificate?: acm.ICertificate;

  /** The alias `A` record of `domainName`, pointing at the ALB, if any. */
  public readonly aliasRecord?: route53.ARecord;

  /** The alias `AAAA` record of `domainName`, for a dual-stack ALB, if any. */
  public readonly ipv6AliasRecord?: route53.AaaaRecord;

  /** The association of `webAclArn` with the ALB, if any. */
  public readonly webAclAssociation?: wafv2.CfnWebACLAssociation;

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

  /** The consumer VPC, where the ALB and every route's interface endpoint go. */
  public readonly vpc: ec2.IVpc;

  private readonly endpointSubnets?: ec2.SubnetSelection;
  private readonly loadBalancerAvailabilityZones: string[];
  private readonly allowedPrincipals?: iam.ArnPrincipal[];
  private readonly deletionProtection?: boolean;
  private readonly maxRoutes: number;
  /** The first route to create a producer for each set of targets and settings, by that set. */
  private readonly createdProducers = new Map<string, string>();
  /** The routes `addRoute` added, once built. */
  private readonly addedRoutes: PrivateLinkRoute[] = [];
  /** The routes on the listener: the router's, and those added to it otherwise. */
  private readonly listenerRoutes: ListenerRoute[];
  /** Tells the router's observers (its monitoring) of a route added to it. */
  private readonly notifyRouteAdded: (route: PrivateLinkRoute) => void;

  constructor(scope: Construct, id: string, props: AlbPrivateLinkRouterProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.endpointSubnets = props.endpointSubnets;
    this.allowedPrincipals = props.allowedPrincipals;
    this.deletionProtection = props.deletionProtection;
    this.maxRoutes = props.maxRoutes ?? 100;
    this.notifyRouteAdded = makeRoutesObservable(this);

    const front = this.validateFrontDoor(props);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'AlbPrivateLinkRouter ALB: listener port from allowed clients, route ports to endpoints',
      allowAllOutbound: false,
    });
    // aws-cdk-lib's default placement, made explicit so that the endpoints can follow its zones.
    const loadBalancerSubnets = props.loadBalancerSubnets ?? (front.internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : {});
    this.loadBalancerAvailabilityZones = props.vpc.selectSubnets(loadBalancerSubnets).availabilityZones;
    validateLoadBalancerZones(this, this.loadBalancerAvailabilityZones);
    validateIpAddressType(this, front.ipAddressType, front.internetFacing, props.vpc.selectSubnets(loadBalancerSubnets).subnets);
    this.loadBalancer = this.createLoadBalancer(props, front, loadBalancerSubnets, securityGroup);
    // Whatever the ALB's type: turning IPv6 on or off then leaves the VPC's routes alone.
    awaitInternetGatewayOfIpv6Routes(props.vpc);
    if (isDualStack(front.ipAddressType)) {
      this.awaitIpv6Blocks(props.vpc, loadBalancerSubnets);
    }
    if (props.webAclArn !== undefined) {
      this.webAclAssociation = this.associateWebAcl(props.webAclArn);
    }
    if (front.accessLogs) {
      this.accessLogsBucket = this.writeAccessLogs(props);
    }
    if (props.domainName !== undefined && props.domainZone !== undefined) {
      this.certificate = this.requestCertificate(props.domainName, props.domainZone);
      [this.aliasRecord, this.ipv6AliasRecord] = this.addAliasRecords(props.domainName, props.domainZone, front);
    }
    this.listener = this.addListener(props, front);
    if (front.redirectHttp) {
      this.httpRedirectListener = this.addHttpRedirect(front);
    }
    this.connections = this.listener.connections;
    this.listenerRoutes = routesOnListener(this, this.listener);
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      description: 'AlbPrivateLinkRouter interface endpoints: route ports from the ALB only',
      allowAllOutbound: false,
    });
    if (front.open) {
      this.acknowledgeOpenListener(securityGroup, front);
    }

    for (const route of props.routes ?? []) {
      this.addRoute(route);
    }
  }

  /** Where every route's interface endpoint goes: `endpointSubnets`, `endpointSecurityGroup`, the ALB's zones. */
  public get endpointOptions(): PrivateLinkEndpointOptions {
    return {
      endpointSubnets: this.endpointSubnets,
      endpointSecurityGroup: this.endpointSecurityGroup,
      loadBalancerAvailabilityZones: this.loadBalancerAvailabilityZones,
    };
  }

  /** The routes added so far, in the order they were added. */
  public get routes(): PrivateLinkRoute[] {
    return [...this.addedRoutes];
  }

  /**
   * Adds a route: requests matching `route.path` (and `route.hosts`) are forwarded over
   * PrivateLink to `route.producer`, spread by weight over `route.producers`, or to a producer
   * the route creates for `route.instances`.
   * Throws if the route is invalid or conflicts with a route already on the listener. Like every
   * CDK error, this one ends the app: the rejected route stays in the tree as far as it was built.
   */
  public addRoute(route: AddPrivateLinkRouteOptions): PrivateLinkRoute {
    const label = routeLabelOf(route);
    const derivedId = route.id ?? routeIdOf(route);
    const idIsValid = validateConstructId(derivedId);
    // What the user wrote first: a bad host or path also makes a bad derived ID, and is the cause.
    resolveRoute(idIsValid ? `${this.node.path}/${derivedId}` : this.node.path, route);
    const listenerRoutes = this.listenerRoutes;
    if (listenerRoutes.length >= this.maxRoutes) {
      throw new Error(`${this.node.path}: maxRoutes: cannot add route '${label}': the listener already holds ${this.maxRoutes} routes. ALB allows 100 rules per load balancer by default; raise the quota, then maxRoutes (and, for routes with producers of their own, the quotas of 50 Network Load Balancers per Region and 50 interface endpoints per VPC).`);
    }
    const id = derivedId;
    if (!idIsValid) {
      throw new Error(`${this.node.path}: id: route '${label}' has id '${id}'; a construct ID must be a literal, non-empty string without '/', or leave it out to derive one from the path.`);
    }
    const taken = this.node.tryFindChild(id);
    if (taken instanceof PrivateLinkRoute) {
      // A repeated path repeats the derived ID too, but the path is the root cause.
      validateRouteAmong(taken.node.path, resolveRoute(taken.node.path, route), listenerRoutes);
      throw new Error(`${this.node.path}: id: route '${label}' has the construct ID '${id}' of route '${routeLabelOf(taken)}'; give one of them a different 'id'.`);
    }
    if (taken) {
      throw new Error(`${this.node.path}: id: route '${label}' has construct ID '${id}', which the router uses for its ${id}; give the route a different 'id'.`);
    }

    const { id: _id, ...options } = route;
    const props: PrivateLinkRouteProps = {
      ...options,
      listener: this.listener,
      vpc: this.vpc,
      consumer: this,
      deletionProtection: this.deletionProtection,
      allowedPrincipals: this.allowedPrincipals,
    };
    const added = new PrivateLinkRoute(this, id, props);
    if (route.producerVpc) {
      this.warnOfDuplicateProducer(route, route.producerVpc, added);
    }
    this.addedRoutes.push(added);
    this.notifyRouteAdded(added);
    return added;
  }

  /**
   * Adds the consumer side of `producer` that the routes naming it share, or returns it with
   * `port`'s target group added if it had none (see `IPrivateLinkConsumer`): for a listener rule
   * of your own on the router's ALB, forward to its `targetGroupFor(port)`, and allow the ALB in
   * with its `connections`.
   */
  public addPrivateLinkTargetGroup(producer: IPrivateLinkProducer, port?: number): PrivateLinkTargetGroup {
    return connectedTargetGroupOf(this, this.vpc, this.endpointOptions, producer, port ?? producer.port);
  }

  /** Checks the props of the ALB and its listeners, before anything is made; returns what they decide. */
  private validateFrontDoor(props: AlbPrivateLinkRouterProps): FrontDoor {
    const https = this.validateHttps(props);
    const listenerPort = props.listenerPort ?? (https ? HTTPS_PORT : HTTP_PORT);
    validatePort(this.node.path, listenerPort, 'listenerPort');
    const redirectHttp = props.redirectHttp ?? https;
    if (redirectHttp && listenerPort === HTTP_PORT) {
      throw new Error(`${this.node.path}: listenerPort: is ${HTTP_PORT}, the port of the HTTP listener that redirects to HTTPS; choose another listenerPort, or set redirectHttp: false.`);
    }
    const accessLogs = this.validateAccessLogs(props);
    validateSynthTimeNumber(this.node.path, 'maxRoutes', this.maxRoutes);
    validateMaxRoutes(this.node.path, this.maxRoutes);
    const internetFacing = props.internetFacing ?? true;
    if (internetFacing && props.loadBalancerSubnets === undefined && props.vpc.publicSubnets.length === 0) {
      throw new Error(`${this.node.path}: internetFacing: an internet-facing ALB needs public subnets, and VPC '${props.vpc.node.path}' has none; add public subnets, choose loadBalancerSubnets, or set internetFacing: false.`);
    }
    validateWebAclArn(this, props.webAclArn);
    return { https, listenerPort, redirectHttp, accessLogs, internetFacing, open: props.open ?? true, ipAddressType: props.ipAddressType };
  }

  /** The Application Load Balancer, in `subnets`, with the ALB's security group. */
  private createLoadBalancer(props: AlbPrivateLinkRouterProps, front: FrontDoor, subnets: ec2.SubnetSelection,
    securityGroup: ec2.ISecurityGroup): elbv2.ApplicationLoadBalancer {
    return new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: front.internetFacing,
      vpcSubnets: subnets,
      securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
      ipAddressType: front.ipAddressType,
    });
  }

  /**
   * Associates the web ACL with the ALB; the reference to the ALB makes CloudFormation wait for
   * it. A changed ARN replaces the association: the new one is made first (taking the ALB over
   * from the old web ACL), and deleting the old one then disassociates nothing, as CloudFormation
   * disassociates only a web ACL that still matches (the WAFv2 resource provider's DeleteHandler,
   * aws-cloudformation/aws-cloudformation-resource-providers-wafv2).
   */
  private associateWebAcl(webAclArn: string): wafv2.CfnWebACLAssociation {
    return new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.loadBalancer.loadBalancerArn,
      webAclArn,
    });
  }

  /** Turns the ALB's access logs on; returns their bucket, the given one or one made for them. */
  private writeAccessLogs(props: AlbPrivateLinkRouterProps): s3.IBucket {
    const bucket = props.accessLogsBucket ?? this.createAccessLogsBucket(props.accessLogsRetention ?? Duration.days(90));
    this.loadBalancer.logAccessLogs(bucket, props.accessLogsPrefix);
    return bucket;
  }

  /** The listener the routes' rules go on: HTTPS with certificates, otherwise HTTP; 404 for any other request. */
  private addListener(props: AlbPrivateLinkRouterProps, front: FrontDoor): elbv2.ApplicationListener {
    // The same construct ID either way: turning HTTPS on updates the listener in place, so the
    // route rules that refer to it stay.
    const listener = this.loadBalancer.addListener('Listener', {
      port: front.listenerPort,
      protocol: front.https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      // The domain's certificate is the default one; the others are chosen by SNI.
      certificates: front.https ? [
        ...(this.certificate ? [elbv2.ListenerCertificate.fromCertificateManager(this.certificate)] : []),
        ...(props.certificates ?? []),
      ] : undefined,
      sslPolicy: front.https ? props.sslPolicy ?? this.defaultSslPolicy() : undefined,
      mutualAuthentication: props.mutualAuthentication,
      open: front.open,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'No route matches this path.',
      }),
    });
    if (front.open) {
      openToIpv6(listener, front.ipAddressType, front.listenerPort);
    }
    return listener;
  }

  /** Makes the dual-stack ALB wait for the IPv6 blocks given to its subnets apart from them. */
  private awaitIpv6Blocks(vpc: ec2.IVpc, loadBalancerSubnets: ec2.SubnetSelection): void {
    for (const association of ipv6BlockAssociationsOf(vpc.selectSubnets(loadBalancerSubnets).subnets)) {
      this.loadBalancer.node.addDependency(association);
    }
  }

  /** The DNS-validated certificate for `domainName`, in the stack's Region, the ALB's. */
  private requestCertificate(domainName: string, domainZone: route53.IHostedZone): acm.Certificate {
    return new acm.Certificate(this, 'Certificate', {
      domainName,
      validation: acm.CertificateValidation.fromDns(domainZone),
    });
  }

  /**
   * The alias records of `domainName` pointing at the ALB: `A`, and `AAAA` when dual-stack. Fixed
   * construct IDs keep them as routes come and go.
   */
  private addAliasRecords(domainName: string, zone: route53.IHostedZone, front: FrontDoor): [route53.ARecord, route53.AaaaRecord | undefined] {
    const recordProps: route53.ARecordProps = {
      zone,
      recordName: domainName,
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
    };
    return [
      new route53.ARecord(this, 'AliasRecord', recordProps),
      isDualStack(front.ipAddressType) ? new route53.AaaaRecord(this, 'Ipv6AliasRecord', recordProps) : undefined,
    ];
  }

  /** The HTTP listener on port 80 that redirects every request to HTTPS on the listener's port. */
  private addHttpRedirect(front: FrontDoor): elbv2.ApplicationListener {
    const redirect = this.loadBalancer.addListener('HttpRedirect', {
      port: HTTP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: front.open,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(front.listenerPort), permanent: true }),
    });
    // Turning HTTPS on moves the listener from port 80 to 443; the redirect may take port 80
    // only after that (ELB answers DuplicateListener otherwise).
    redirect.node.addDependency(this.listener);
    if (front.open) {
      openToIpv6(redirect, front.ipAddressType, HTTP_PORT);
    }
    return redirect;
  }

  /** Acknowledges cdk-nag's finding on the ALB's security group that an open listener causes. */
  private acknowledgeOpenListener(securityGroup: ec2.SecurityGroup, front: FrontDoor): void {
    const ports = front.redirectHttp ? `its listener port, and on port ${HTTP_PORT} only to redirect it to HTTPS,` : 'its listener port';
    Validations.of(securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: `The listener is public because the router's \`open\` is true: an internet entry point accepts any client on ${ports} and nothing else. Set open: false and allow clients through \`connections\` to restrict it.`,
    });
  }

  /**
   * Warns when a route creates a producer just like one an earlier route created: two NLBs,
   * endpoint services and endpoints where one would do. The router does not merge them itself: a
   * merged producer would need a construct ID derived from its targets, so adding an instance
   * would replace it, and removing the first route must not move it.
   */
  private warnOfDuplicateProducer(route: PrivateLinkRouteOptions, producerVpc: ec2.IVpc, added: PrivateLinkRoute): void {
    const pathsOf = (constructs: IConstruct[]) => constructs.map((construct) => construct.node.path).sort();
    const key = JSON.stringify([
      producerVpc.node.path,
      added.port,
      ...TARGET_PROPS.map((prop) => [route[prop] ?? []].flat()
        .map((target) => (typeof target === 'string' ? target : target.node.path)).sort()),
      route.producerSubnets ? pathsOf(producerVpc.selectSubnets(route.producerSubnets).subnets) : 'default subnets',
      // Durations by length, so that minutes(5) and seconds(300) agree.
      JSON.stringify(Object.fromEntries(PORT_SETTING_PROPS.map((prop) => [prop, route[prop]])),
        (_key, value) => value instanceof Duration ? value.toSeconds() : value),
    ]);
    const first = this.createdProducers.get(key);
    if (first === undefined) {
      this.createdProducers.set(key, added.node.path);
      return;
    }
    Annotations.of(added).addWarningV2('cdk-alb-privatelink-router:duplicateProducer',
      `${added.node.path}: producerVpc: the route creates a producer for the same targets, port and settings as route '${first}': two Network Load Balancers, endpoint services and endpoints where one would do. Create one PrivateLinkProducer and give it to both routes as 'producer'.`);
  }

  /**
   * The TLS policy when none is given: none with the post-quantum feature flag, so that
   * aws-cdk-lib picks its post-quantum policy (and any stronger one a later version picks);
   * RECOMMENDED_TLS otherwise, where aws-cdk-lib would leave the ELB API's TLS 1.0 default.
   */
  private defaultSslPolicy(): elbv2.SslPolicy | undefined {
    return FeatureFlags.of(this).isEnabled(cxapi.ELB_USE_POST_QUANTUM_TLS_POLICY) ? undefined : elbv2.SslPolicy.RECOMMENDED_TLS;
  }

  /** Checks the HTTPS props; returns whether the listener is HTTPS: with certificates, or a domain name. */
  private validateHttps(props: AlbPrivateLinkRouterProps): boolean {
    validateDomain(this, props.domainName, props.domainZone);
    if (props.certificates?.length === 0) {
      throw new Error(`${this.node.path}: certificates: is empty; give at least one certificate for an HTTPS listener, or leave certificates out.`);
    }
    const count = (props.certificates?.length ?? 0) + (props.domainName !== undefined ? 1 : 0);
    if (count === 0) {
      if (props.sslPolicy !== undefined) {
        throw new Error(`${this.node.path}: sslPolicy: is set without certificates or domainName; give one of them for an HTTPS listener, or leave sslPolicy out.`);
      }
      if (props.redirectHttp) {
        throw new Error(`${this.node.path}: redirectHttp: is true without certificates or domainName, so there is no HTTPS listener to redirect to; give one of them, or leave redirectHttp out.`);
      }
      if (props.mutualAuthentication !== undefined) {
        throw new Error(`${this.node.path}: mutualAuthentication: client certificates need an HTTPS listener, and the router has no certificates or domainName; give one of them, or leave mutualAuthentication out.`);
      }
      return false;
    }
    warnOfCertificateQuota(this, count);
    return true;
  }

  /** Checks the access-log props; returns whether the ALB writes access logs. */
  private validateAccessLogs(props: AlbPrivateLinkRouterProps): boolean {
    const accessLogs = props.accessLogs ?? props.accessLogsBucket !== undefined;
    if (!accessLogs && props.accessLogsBucket) {
      throw new Error(`${this.node.path}: accessLogsBucket: is given but accessLogs is false; leave accessLogs out to write logs to the bucket, or leave the bucket out.`);
    }
    if (!accessLogs && props.accessLogsPrefix !== undefined) {
      throw new Error(`${this.node.path}: accessLogsPrefix: is set without accessLogsBucket; give the bucket too, or set accessLogs: true to have one created.`);
    }
    validateAccessLogsPrefix(this.node.path, props.accessLogsPrefix);
    if (props.accessLogsRetention !== undefined) {
      if (!accessLogs || props.accessLogsBucket) {
        throw new Error(`${this.node.path}: accessLogsRetention: applies only to the bucket the router creates (accessLogs: true without accessLogsBucket); give your own bucket its lifecycle rules yourself.`);
      }
      const days = props.accessLogsRetention.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 1) {
        throw new Error(`${this.node.path}: accessLogsRetention: must be a whole number of days, at least 1; got ${props.accessLogsRetention.toHumanString()}.`);
      }
    }
    // Checked here, before anything is created: aws-cdk-lib's own error would not name the router.
    if (accessLogs && Token.isUnresolved(Stack.of(this).region)) {
      throw new Error(`${this.node.path}: accessLogs: access logs need a stack with an explicit region: aws-cdk-lib grants ALB log delivery to the bucket per region. Give the stack an env with a region, or leave access logs off.`);
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
}
