import { ExpectedResult, FetchOptions, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Annotations, App, Aws, Duration, Fn, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { consumerVpc, isolatedVpc, WebServer, webServerSecurityGroup } from './web-server';
import { AlbPrivateLinkRouter, PrivateLinkProducer, RouteAuthentication } from '../src';

// The front door: the router answers at a name of its own (a DNS-validated certificate, an alias
// record), behind a WAF web ACL, with one route open and one that only signed-in users pass.
// A DNS-validated certificate completes only in a zone that public DNS delegates to, so the test
// takes an existing public zone: context `frontDoorZoneName` and `frontDoorZoneId`, or the
// environment variables FRONT_DOOR_ZONE_NAME and FRONT_DOOR_ZONE_ID (integ-runner passes the app
// no context of its own). Without them, the placeholders below make the committed snapshot.
const app = new App();
const setting = (context: string, variable: string): string | undefined =>
  app.node.tryGetContext(context) ?? process.env[variable];
const { zoneName, hostedZoneId } = frontDoorZone(
  setting('frontDoorZoneName', 'FRONT_DOOR_ZONE_NAME'), setting('frontDoorZoneId', 'FRONT_DOOR_ZONE_ID'));
const domainName = `alb-privatelink-router-integ.${zoneName}`;

const stack = new Stack(app, 'AlbPrivateLinkRouterFrontDoor');
const servicesVpc = isolatedVpc(stack, 'ServicesVpc', '10.31.0.0/16');
const shopServer = new WebServer(stack, 'Shop', {
  vpc: servicesVpc,
  subnet: servicesVpc.isolatedSubnets[0],
  securityGroup: webServerSecurityGroup(stack, 'WebServerSecurityGroup', servicesVpc),
  section: 'shop',
  serverName: 'shop-server',
  alsoServes: ['admin'],
});
const shop = new PrivateLinkProducer(stack, 'ShopService', { vpc: servicesVpc, instances: [shopServer] });

// Blocks one path, so that the test can tell the web ACL is in front of the routes.
const webAcl = new wafv2.CfnWebACL(stack, 'WebAcl', {
  scope: 'REGIONAL',
  defaultAction: { allow: {} },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'front-door', sampledRequestsEnabled: false },
  rules: [{
    name: 'block-shop-blocked',
    priority: 0,
    action: { block: {} },
    statement: {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: '/shop/blocked',
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'block-shop-blocked', sampledRequestsEnabled: false },
  }],
});

const users = new cognito.UserPool(stack, 'Users', { removalPolicy: RemovalPolicy.DESTROY });
const userPoolClient = users.addClient('Router', {
  generateSecret: true,
  oAuth: { flows: { authorizationCodeGrant: true }, callbackUrls: [`https://${domainName}/oauth2/idpresponse`] },
});
// Cognito domain prefixes are unique per Region across accounts: the stack's own ID makes one.
const userPoolDomain = users.addDomain('Domain', {
  cognitoDomain: { domainPrefix: Fn.join('-', ['alb-plr', Fn.select(2, Fn.split('/', Aws.STACK_ID))]) },
});

const router = new AlbPrivateLinkRouter(stack, 'Router', {
  vpc: consumerVpc(stack, 'Vpc', '10.30.0.0/16'),
  domainName,
  domainZone: route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName }),
  webAclArn: webAcl.attrArn,
  routes: [
    { path: '/shop', producer: shop },
    {
      path: '/admin',
      producer: shop,
      // DENY answers 401 without a sign-in redirect, so the test needs no user.
      authentication: RouteAuthentication.cognito({
        userPool: users,
        userPoolClient,
        userPoolDomain,
        onUnauthenticatedRequest: elbv2.UnauthenticatedAction.DENY,
      }),
    },
  ],
});

// One server behind both routes is what shows that the ALB, not the server, refuses /admin/.
Annotations.of(router).acknowledgeWarning('cdk-alb-privatelink-router:authenticatedSharesTargetGroup',
  'The test server serves the same page on both paths and holds nothing to protect.');

const integ = new IntegTest(app, 'FrontDoor', { testCases: [stack] });
const url = `https://${domainName}`;
const untilHealthy = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(20) };

integ.assertions
  .httpApiCall(`${url}/shop/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('shop-server') }))
  .waitForAssertions(untilHealthy);
// The same server serves /admin/; without a session the ALB refuses before it forwards.
integ.assertions
  .httpApiCall(`${url}/admin/`)
  .expect(ExpectedResult.objectLike({ status: 401 }))
  .waitForAssertions(untilHealthy);
// Plain HTTP is redirected to HTTPS, not served. integ-tests-alpha hands fetchOptions to
// node-fetch as they are, so `redirect: 'manual'` shows the redirect itself, not where it leads;
// node-fetch resolves the Location header as a URL, which drops the default port ALB writes.
const showRedirect = { redirect: 'manual' } as FetchOptions;
integ.assertions
  .httpApiCall(`http://${domainName}/shop/`, showRedirect)
  .expect(ExpectedResult.objectLike({
    status: 301,
    headers: { location: [`${url}/shop/`] },
  }))
  .waitForAssertions(untilHealthy);
integ.assertions
  .httpApiCall(`${url}/shop/blocked`)
  .expect(ExpectedResult.objectLike({ status: 403 }))
  .waitForAssertions(untilHealthy);

// The log groups the templates declare are retained by default; a test run deletes them.
RemovalPolicies.of(app).destroy({ applyToResourceTypes: ['AWS::Logs::LogGroup'] });

app.synth();

/**
 * The zone the test's name goes in: both settings, or neither for the snapshot's placeholders. A
 * deploy with a wrong one would wait for a certificate that never validates, so it fails here.
 */
function frontDoorZone(name: string | undefined, id: string | undefined): { zoneName: string; hostedZoneId: string } {
  if (name === undefined && id === undefined) {
    return { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
  }
  if (name === undefined || id === undefined) {
    throw new Error(`integ.front-door: set both FRONT_DOOR_ZONE_NAME and FRONT_DOOR_ZONE_ID (or neither, for the snapshot); ${name === undefined ? 'the name' : 'the ID'} is missing.`);
  }
  // Route 53 shows the ID as /hostedzone/Z... in some places; the zone attribute is the bare ID.
  if (!/^Z[A-Z0-9]+$/.test(id)) {
    throw new Error(`integ.front-door: FRONT_DOOR_ZONE_ID: '${id}' is not a hosted zone ID such as Z0123456789ABCDEFGHIJ${id.startsWith('/hostedzone/') ? '; leave out /hostedzone/' : ''}.`);
  }
  if (!/^([a-z0-9-]+\.)+[a-z0-9-]+\.?$/i.test(name)) {
    throw new Error(`integ.front-door: FRONT_DOOR_ZONE_NAME: '${name}' is not a domain name such as sandbox.example.org.`);
  }
  return { zoneName: name.replace(/\.$/, ''), hostedZoneId: id };
}
