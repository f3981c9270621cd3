import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { AlbPrivateLinkRouter, JwtClaimFormat, PrivateLinkConsumer, PrivateLinkProducer, PrivateLinkRoute, RouteAuthentication, RouterMonitoring } from '../../src';
import { consumerVpc, producer } from '../fixtures';

const ACCOUNT = '111111111111';
/** The Regions of the app's stacks: services and edge in one, a second producer in the other. */
export const EVERY_OPTION_REGIONS = { home: 'eu-west-1', remote: 'us-east-1' } as const;

/** Zone names of each Region, as a context lookup would find them, so the stacks need no account. */
function zoneContext(): Record<string, string[]> {
  return Object.fromEntries(Object.values(EVERY_OPTION_REGIONS).map((region) => [
    `availability-zones:account=${ACCOUNT}:region=${region}`, ['a', 'b', 'c'].map((zone) => `${region}${zone}`),
  ]));
}

/**
 * An app that uses every option the library has, in the shapes users combine them: a services
 * stack whose producer serves three ports (instances, an internal ALB of the team's own, Fargate
 * tasks), a producer in another Region, and an edge stack whose HTTPS router reaches them by path
 * and host (and by weight over two Regions), with access logs, deletion protection, a WAF web ACL, IPv6 clients, an import by
 * service name, HTTPS, HTTP/2 and gRPC to the targets, and monitoring. For cfn-lint and for reviews of the templates against the AWS
 * documentation: synthesised only, never deployed (its servers and tasks serve nothing, and its
 * isolated tasks could not pull their image).
 */
export function everyOptionApp(outdir?: string): App {
  const app = new App({ outdir, context: zoneContext() });
  const home = { account: ACCOUNT, region: EVERY_OPTION_REGIONS.home };

  const services = new Stack(app, 'EveryOptionServices', { env: home });
  const web = producer(services, 'Web', 2, 3);
  const teamAlb = new elbv2.ApplicationLoadBalancer(services, 'TeamAlb', { vpc: web.vpc, internetFacing: false });
  teamAlb.addListener('Http', { port: 8081, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
  const taskDefinition = new ecs.FargateTaskDefinition(services, 'OrdersTask');
  taskDefinition.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
    portMappings: [{ containerPort: 8082 }],
  });
  const ordersTasks = new ecs.FargateService(services, 'OrdersTasks', {
    cluster: new ecs.Cluster(services, 'Cluster', { vpc: web.vpc }),
    taskDefinition,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [new ec2.SecurityGroup(services, 'OrdersTasksSecurityGroup', { vpc: web.vpc, allowAllOutbound: false })],
    circuitBreaker: { rollback: true },
    minHealthyPercent: 100,
  });
  const shop = new PrivateLinkProducer(services, 'Shop', {
    vpc: web.vpc,
    instances: web.instances,
    port: 8080,
    healthCheck: { path: '/health', interval: Duration.seconds(10), healthyThresholdCount: 2 },
    deregistrationDelay: Duration.seconds(30),
    allowedPrincipals: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:root`)],
    deletionProtection: true,
  });
  shop.addPort(8081, { applicationLoadBalancer: teamAlb, healthCheck: { path: '/health' } });
  shop.addPort(8082, { ecsServices: [ordersTasks], deregistrationDelay: Duration.seconds(60) });
  // Encrypted up to the instances: HTTPS, HTTP/2 over it, and gRPC with a check of its own on the ALB.
  shop.addPort(8443, { instances: web.instances, targetProtocol: elbv2.ApplicationProtocol.HTTPS, healthCheck: { path: '/health' } });
  shop.addPort(8444, {
    instances: web.instances, targetProtocol: elbv2.ApplicationProtocol.HTTPS, protocolVersion: elbv2.ApplicationProtocolVersion.HTTP2,
  });
  shop.addPort(50051, {
    instances: web.instances,
    targetProtocol: elbv2.ApplicationProtocol.HTTPS,
    protocolVersion: elbv2.ApplicationProtocolVersion.GRPC,
    healthCheck: { interval: Duration.seconds(10) },
    consumerHealthCheck: { path: '/shop.Shop/Check', healthyGrpcCodes: '0' },
  });

  const remote = new Stack(app, 'EveryOptionRemote', { env: { account: ACCOUNT, region: EVERY_OPTION_REGIONS.remote } });
  const remoteWeb = producer(remote, 'Web', 1, 2);
  const reports = new PrivateLinkProducer(remote, 'Reports', {
    vpc: remoteWeb.vpc,
    instances: remoteWeb.instances,
    allowedRegions: [EVERY_OPTION_REGIONS.home],
  });

  const edge = new Stack(app, 'EveryOptionEdge', { env: home, crossRegionReferences: true });
  const webAcl = new wafv2.CfnWebACL(edge, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'every-option', sampledRequestsEnabled: true },
    rules: [{
      name: 'common',
      priority: 0,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'common', sampledRequestsEnabled: true },
    }],
  });
  const router = new AlbPrivateLinkRouter(edge, 'Router', {
    vpc: consumerVpc(edge, 'Vpc', 3, ec2.IpProtocol.DUAL_STACK),
    ipAddressType: elbv2.IpAddressType.DUAL_STACK,
    webAclArn: webAcl.attrArn,
    domainName: 'shop.example.com',
    domainZone: route53.PublicHostedZone.fromHostedZoneAttributes(edge, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    certificates: [elbv2.ListenerCertificate.fromArn(`arn:aws:acm:${home.region}:${ACCOUNT}:certificate/0123abcd-0123-4567-89ab-0123456789ab`)],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    mutualAuthentication: {
      mutualAuthenticationMode: elbv2.MutualAuthenticationMode.VERIFY,
      trustStore: elbv2.TrustStore.fromTrustStoreArn(edge, 'Clients', `arn:aws:elasticloadbalancing:${home.region}:${ACCOUNT}:truststore/clients/0123456789abcdef`),
      ignoreClientCertificateExpiry: false,
    },
    accessLogs: true,
    accessLogsPrefix: 'router',
    accessLogsRetention: Duration.days(30),
    deletionProtection: true,
    maxRoutes: 20,
    routes: [
      { path: '/shop', producer: shop },
      { path: '/team', producer: shop, port: 8081, stripPathPrefix: true },
      { hosts: ['orders.example.com'], producer: shop, port: 8082 },
      { path: '/reports', producer: reports },
      { path: '/secure', producer: shop, port: 8443 },
      { path: '/stream', producer: shop, port: 8444 },
      { hosts: ['grpc.example.com'], path: '/shop.Shop/*', producer: shop, port: 50051 },
      // One service in two Regions: most requests stay in this one.
      { path: '/catalog', producers: [{ producer: shop, weight: 90 }, { producer: reports, weight: 10 }], stickinessDuration: Duration.minutes(30) },
      { path: '/legacy/*.html', priority: 5, producerVpc: web.vpc, instances: web.instances, port: 8080, healthCheck: { path: '/health' } },
    ],
  });
  router.addRoute({
    path: '/partner',
    producer: PrivateLinkProducer.fromPrivateLinkProducerAttributes(edge, 'Partner', {
      endpointServiceName: `com.amazonaws.vpce.${home.region}.vpce-svc-0123456789abcdef0`,
      port: 8090,
      healthCheck: { path: '/ping', healthyHttpCodes: '200-299' },
    }),
  });
  const users = new cognito.UserPool(edge, 'Users');
  router.addRoute({
    path: '/admin',
    producer: shop,
    authentication: RouteAuthentication.cognito({
      userPool: users,
      // The code grant and the openid scope only: what ALB uses.
      userPoolClient: users.addClient('Router', {
        generateSecret: true,
        oAuth: { flows: { authorizationCodeGrant: true }, scopes: [cognito.OAuthScope.OPENID], callbackUrls: ['https://shop.example.com/oauth2/idpresponse'] },
      }),
      userPoolDomain: users.addDomain('Domain', { cognitoDomain: { domainPrefix: 'every-option-shop' } }),
      sessionTimeout: Duration.hours(8),
      onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
    }),
  });
  router.addRoute({
    path: '/api',
    producer: shop,
    authentication: RouteAuthentication.jwt({
      issuer: 'https://issuer.example.com',
      jwksEndpoint: 'https://issuer.example.com/.well-known/jwks.json',
      additionalClaims: [{ name: 'scope', format: JwtClaimFormat.SPACE_SEPARATED_VALUES, values: ['shop.read'] }],
    }),
  });
  // A listener of the user's own on the router's ALB, whose route shares the router's endpoint.
  const internal = router.loadBalancer.addListener('Internal', { port: 8080, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  new PrivateLinkRoute(edge, 'InternalShop', { listener: internal, vpc: router.vpc, consumer: router, path: '/shop', producer: shop });
  // Another ALB of the user's own, whose routes share a consumer's endpoints.
  const ownAlb = new elbv2.ApplicationLoadBalancer(edge, 'OwnAlb', { vpc: router.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  const ownListener = ownAlb.addListener('Http', { port: 80, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  const consumer = new PrivateLinkConsumer(edge, 'OwnEndpoints', {
    vpc: router.vpc,
    loadBalancerAvailabilityZones: router.vpc.isolatedSubnets.map((subnet) => subnet.availabilityZone),
  });
  new PrivateLinkRoute(edge, 'OwnShop', { listener: ownListener, vpc: router.vpc, consumer, path: '/shop', producer: shop });
  new PrivateLinkRoute(edge, 'OwnTeam', { listener: ownListener, vpc: router.vpc, consumer, path: '/team', producer: shop, port: 8081 });
  const key = new kms.Key(edge, 'AlarmKey', { enableKeyRotation: true });
  new RouterMonitoring(edge, 'Monitoring', {
    router,
    alarmTopic: new sns.Topic(edge, 'OnCall', { masterKey: key }),
    dashboardName: 'every-option-router',
    alarmNamePrefix: 'every-option',
    watchProducersInOtherStacks: true,
  });
  return app;
}
