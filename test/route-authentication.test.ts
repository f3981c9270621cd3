// Authentication per route: the route's rule authenticates (OIDC, Cognito or JWT), then forwards.
import { Annotations as CoreAnnotations, App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerVpc, expectLeastPrivilege, logicalId, producer } from './fixtures';
import {
  AlbPrivateLinkRouter, AlbPrivateLinkRouterProps, JwtClaimFormat, JwtRouteAuthenticationOptions, OidcRouteAuthenticationOptions,
  PrivateLinkConsumer, PrivateLinkProducer, PrivateLinkRoute, RouteAuthentication,
} from '../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const certificate = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/0123abcd-0123-4567-89ab-0123456789ab');

const OIDC: OidcRouteAuthenticationOptions = {
  issuer: 'https://idp.example.com',
  authorizationEndpoint: 'https://idp.example.com/authorize',
  tokenEndpoint: 'https://idp.example.com/token',
  userInfoEndpoint: 'https://idp.example.com/userinfo',
  clientId: 'router',
  clientSecret: SecretValue.unsafePlainText('not-a-secret'),
};
const JWT: JwtRouteAuthenticationOptions = { issuer: 'https://issuer.example.com', jwksEndpoint: 'https://issuer.example.com/.well-known/jwks.json' };

/** An HTTPS router (unless told otherwise) with a public route `/web` and an authenticated route `/admin` to one producer. */
function build(authentication: RouteAuthentication, props: Partial<AlbPrivateLinkRouterProps> = {}, dualStack = false) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: ENV });
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc: consumerVpc(stack, 'Consumer', 2, dualStack ? ec2.IpProtocol.DUAL_STACK : undefined),
    certificates: [certificate],
    ...props,
  });
  const shop = new PrivateLinkProducer(stack, 'Shop', { vpc: web.vpc, instances: web.instances });
  const service = router.addRoute({ path: '/web', producer: shop });
  const admin = router.addRoute({ path: '/admin', producer: shop, authentication });
  return { stack, router, service, admin };
}

const actionsOf = (stack: Stack, route: PrivateLinkRoute) =>
  Template.fromStack(stack).toJSON().Resources[logicalId(stack, route.listenerRule)].Properties.Actions;

describe.each([
  ['OIDC', () => RouteAuthentication.oidc(OIDC), 'authenticate-oidc'],
  ['JWT', () => RouteAuthentication.jwt(JWT), 'jwt-validation'],
])('%s', (_kind, authentication, type) => {
  test('the route\'s rule authenticates first, then forwards to the target group it shares with an open route', () => {
    const { stack, service, admin } = build(authentication());
    const actions = actionsOf(stack, admin);
    expect(actions.map((action: any) => [action.Order, action.Type])).toEqual([[1, type], [2, 'forward']]);
    expect(actions[1].TargetGroupArn).toEqual({ Ref: logicalId(stack, service.targetGroup) });
    expect(admin.targetGroup).toBe(service.targetGroup);
    expect(actionsOf(stack, service)).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: logicalId(stack, service.targetGroup) } }]);
  });

  test('a route sharing a target group with a route that differs in authentication is warned of, naming both, in either order', () => {
    const { stack } = build(authentication());
    const sharingWarning = (authenticated: string, open: string) => Match.stringLikeRegexp(
      `authentication: route '${authenticated}' is authenticated and route '${open}' is open, and both forward to producer 'Test/Shop' on port 80's target group`);
    Annotations.fromStack(stack).hasWarning('/Test/Router/admin', sharingWarning('Test/Router/admin', 'Test/Router/web'));
    const acknowledged = build(authentication());
    CoreAnnotations.of(acknowledged.admin).acknowledgeWarning('cdk-alb-privatelink-router:authenticatedSharesTargetGroup', 'The service verifies the identity.');
    expect(Annotations.fromStack(acknowledged.stack).findWarning('*', Match.stringLikeRegexp('authenticatedSharesTargetGroup'))).toEqual([]);

    const reversed = new Stack(new App(), 'Test', { env: ENV });
    const targets = producer(reversed, 'Web');
    const web = new PrivateLinkProducer(reversed, 'Shop', { vpc: targets.vpc, instances: targets.instances });
    const router = new AlbPrivateLinkRouter(reversed, 'Router', { vpc: consumerVpc(reversed, 'Consumer', 2), certificates: [certificate] });
    router.addRoute({ path: '/admin', producer: web, authentication: authentication() });
    router.addRoute({ path: '/ops', producer: web, authentication: authentication() });
    router.addRoute({ path: '/web', producer: web });
    const warnings = Annotations.fromStack(reversed).findWarning('*', Match.stringLikeRegexp('authenticatedSharesTargetGroup'));
    expect(warnings.map(({ id, entry }) => [id, entry.data])).toEqual([
      ['/Test/Router/web', expect.stringMatching(/route 'Test\/Router\/admin' is authenticated and route 'Test\/Router\/web' is open/)],
    ]);
  });

  test('routes that agree on authentication, or reach the producer on different ports, are not warned of', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const web = producer(stack, 'Web');
    const shop = new PrivateLinkProducer(stack, 'Shop', { vpc: web.vpc, instances: web.instances });
    shop.addPort(8080, { instances: web.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), certificates: [certificate] });
    router.addRoute({ path: '/admin', producer: shop, authentication: authentication() });
    router.addRoute({ path: '/ops', producer: shop, authentication: authentication() });
    router.addRoute({ path: '/web', producer: shop, port: 8080 });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('authenticatedSharesTargetGroup'))).toEqual([]);
  });

  test('an imported listener\'s route is warned of as a router\'s is', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const targets = producer(stack, 'Web');
    const web = new PrivateLinkProducer(stack, 'Shop', { vpc: targets.vpc, instances: targets.instances });
    const vpc = consumerVpc(stack, 'Consumer', 2);
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Https', {
      listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge/0123456789abcdef/0123456789abcdef',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbSecurityGroup', 'sg-0123456789abcdef0', { allowAllOutbound: false }),
    });
    const consumer = new PrivateLinkConsumer(stack, 'Consumer2', { vpc });
    new PrivateLinkRoute(stack, 'Open', { listener, consumer, producer: web, path: '/web' });
    new PrivateLinkRoute(stack, 'Admin', { listener, consumer, producer: web, path: '/admin', authentication: authentication() });
    Annotations.fromStack(stack).hasWarning('/Test/Admin', Match.stringLikeRegexp("route 'Test/Admin' is authenticated and route 'Test/Open' is open"));
  });

  test('the ALB may reach any IPv4 address on 443, once, and nothing else changes in the security groups', () => {
    const { stack, router, service } = build(authentication(), { redirectHttp: false });
    router.addRoute({ path: '/ops', producer: service.producer, authentication: authentication() });
    const albGroup = logicalId(stack, router.loadBalancer.connections.securityGroups[0]);
    const template = Template.fromStack(stack);
    const egress = template.toJSON().Resources[albGroup].Properties.SecurityGroupEgress
      .filter((rule: any) => rule.CidrIp !== undefined);
    expect(egress).toEqual([{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'To identity providers on HTTPS, for authenticated routes' }]);
    expectLeastPrivilege(template, { allowedPorts: [80, 443], worldGroup: albGroup, worldPort: 443, identityProviderEgress: true });
  });

  test('on an HTTP router it is rejected, naming the listener', () => {
    expect(() => build(authentication(), { certificates: undefined }))
      .toThrow(/^Test\/Router\/admin: authentication: ALB authenticates on HTTPS listeners only, and listener 'Test\/Router\/LoadBalancer\/Listener' is HTTP; make it HTTPS \(a router's: give it certificates or domainName\), or leave authentication out\.$/);
  });
});

test('OIDC passes the session settings through to the rule', () => {
  const { stack, admin } = build(RouteAuthentication.oidc({
    ...OIDC,
    onUnauthenticatedRequest: elbv2.UnauthenticatedAction.DENY,
    scope: 'openid email',
    sessionCookieName: 'admin-session',
    sessionTimeout: Duration.hours(8),
    authenticationRequestExtraParams: { prompt: 'login' },
  }));
  expect(actionsOf(stack, admin)[0].AuthenticateOidcConfig).toEqual({
    Issuer: OIDC.issuer,
    AuthorizationEndpoint: OIDC.authorizationEndpoint,
    TokenEndpoint: OIDC.tokenEndpoint,
    UserInfoEndpoint: OIDC.userInfoEndpoint,
    ClientId: 'router',
    ClientSecret: 'not-a-secret',
    OnUnauthenticatedRequest: 'deny',
    Scope: 'openid email',
    SessionCookieName: 'admin-session',
    SessionTimeout: 28800,
    AuthenticationRequestExtraParams: { prompt: 'login' },
  });
});

test('Cognito authenticates with the user pool, its client and its domain', () => {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: ENV });
  const userPool = new cognito.UserPool(stack, 'Users');
  const userPoolClient = userPool.addClient('Router', { generateSecret: true, oAuth: { callbackUrls: ['https://shop.example.com/oauth2/idpresponse'] } });
  const userPoolDomain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: 'shop-example' } });
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), certificates: [certificate] });
  const admin = router.addRoute({
    path: '/admin',
    producerVpc: web.vpc,
    instances: web.instances,
    authentication: RouteAuthentication.cognito({ userPool, userPoolClient, userPoolDomain }),
  });
  const [authenticate, forward] = actionsOf(stack, admin);
  expect(authenticate).toMatchObject({
    Type: 'authenticate-cognito',
    Order: 1,
    AuthenticateCognitoConfig: {
      UserPoolArn: { 'Fn::GetAtt': [logicalId(stack, userPool), 'Arn'] },
      UserPoolClientId: { Ref: logicalId(stack, userPoolClient) },
      UserPoolDomain: { Ref: logicalId(stack, userPoolDomain) },
    },
  });
  expect(forward).toMatchObject({ Type: 'forward', Order: 2 });
});

test('a Cognito client of the app without a client secret is rejected: ALB signs in with it', () => {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: ENV });
  const userPool = new cognito.UserPool(stack, 'Users');
  const userPoolClient = userPool.addClient('Router');
  const userPoolDomain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: 'shop-example' } });
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), certificates: [certificate] });
  expect(() => router.addRoute({
    path: '/admin',
    producerVpc: web.vpc,
    instances: web.instances,
    authentication: RouteAuthentication.cognito({ userPool, userPoolClient, userPoolDomain }),
  })).toThrow(/^Test\/Router\/admin: authentication: user pool client 'Test\/Users\/Router' has no client secret, which ALB signs in with; create it with generateSecret: true\.$/);
});

test('JWT passes its additional claims through to the rule', () => {
  const { stack, admin } = build(RouteAuthentication.jwt({
    ...JWT,
    additionalClaims: [
      { name: 'aud', format: JwtClaimFormat.SINGLE_STRING, values: ['router'] },
      { name: 'scope', format: JwtClaimFormat.SPACE_SEPARATED_VALUES, values: ['admin', 'ops'] },
    ],
  }));
  expect(actionsOf(stack, admin)[0].JwtValidationConfig).toEqual({
    Issuer: JWT.issuer,
    JwksEndpoint: JWT.jwksEndpoint,
    AdditionalClaims: [
      { Name: 'aud', Format: 'single-string', Values: ['router'] },
      { Name: 'scope', Format: 'space-separated-values', Values: ['admin', 'ops'] },
    ],
  });
});

describe('an ALB without public IPv4', () => {
  const withoutPublicIpv4 = { ipAddressType: elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4 };

  test('rejects OIDC: ALB reaches the identity provider over IPv4 only', () => {
    expect(() => build(RouteAuthentication.oidc(OIDC), withoutPublicIpv4, true))
      .toThrow(/^Test\/Router\/admin: authentication: OIDC needs an ALB with public IPv4, which reaches the identity provider over IPv4 only, and 'Test\/Router\/LoadBalancer' is DUAL_STACK_WITHOUT_PUBLIC_IPV4/);
  });

  test('takes JWT', () => {
    expect(() => build(RouteAuthentication.jwt(JWT), withoutPublicIpv4, true)).not.toThrow();
  });
});

test('a standalone route on an imported listener is warned of: its protocol cannot be seen', () => {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: ENV });
  const vpc = consumerVpc(stack, 'Consumer', 2);
  const web = producer(stack, 'Web');
  const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Listener', {
    listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge/0123456789abcdef/0123456789abcdef',
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbGroup', 'sg-0123456789abcdef0', { allowAllOutbound: false }),
  });
  new PrivateLinkRoute(stack, 'Admin', {
    listener, vpc, path: '/admin', producerVpc: web.vpc, instances: web.instances, priority: 10, authentication: RouteAuthentication.jwt(JWT),
  });
  Annotations.fromStack(stack).hasWarning('/Test/Admin', Match.stringLikeRegexp("authentication: cannot tell at synth time whether listener 'Test/Listener' is HTTPS"));
  Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: 'sg-0123456789abcdef0', CidrIp: '0.0.0.0/0', FromPort: 443 });
});

test.each<[string, RouteAuthentication, RegExp]>([
  ['a session of more than 7 days', RouteAuthentication.oidc({ ...OIDC, sessionTimeout: Duration.days(8) }), /sessionTimeout must be a whole number of seconds from 1 to 604800 \(7 days\); got 8 days\.$/],
  ['a session of part of a second', RouteAuthentication.oidc({ ...OIDC, sessionTimeout: Duration.millis(500) }), /sessionTimeout must be a whole number of seconds/],
  ['more than 10 extra parameters', RouteAuthentication.oidc({
    ...OIDC,
    authenticationRequestExtraParams: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, 'v'])),
  }), /authenticationRequestExtraParams holds 11 parameters; ALB takes at most 10\.$/],
  ['an OIDC endpoint over HTTP', RouteAuthentication.oidc({ ...OIDC, tokenEndpoint: 'http://idp.example.com/token' }), /tokenEndpoint 'http:\/\/idp\.example\.com\/token' must be an https:\/\/ URL\.$/],
  ['a JWKS endpoint over HTTP', RouteAuthentication.jwt({ ...JWT, jwksEndpoint: 'http://issuer.example.com/jwks' }), /jwksEndpoint '.*' must be an https:\/\/ URL\.$/],
  ['a JWKS endpoint of more than 256 characters', RouteAuthentication.jwt({ ...JWT, jwksEndpoint: `https://issuer.example.com/${'k'.repeat(240)}` }), /jwksEndpoint is 267 characters long; ALB takes at most 256\.$/],
  ['more than 10 JWT claims', RouteAuthentication.jwt({
    ...JWT,
    additionalClaims: Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, format: JwtClaimFormat.SINGLE_STRING, values: ['v'] })),
  }), /additionalClaims holds 11 claims; ALB checks at most 10\.$/],
  ['a JWT claim named twice', RouteAuthentication.jwt({
    ...JWT,
    additionalClaims: [
      { name: 'aud', format: JwtClaimFormat.SINGLE_STRING, values: ['a'] },
      { name: 'aud', format: JwtClaimFormat.SINGLE_STRING, values: ['b'] },
    ],
  }), /additionalClaims names claim 'aud' twice/],
  ['a JWT claim without values', RouteAuthentication.jwt({ ...JWT, additionalClaims: [{ name: 'aud', format: JwtClaimFormat.STRING_ARRAY, values: [] }] }), /additional claim 'aud' has 0 values; give 1 to 10\.$/],
  ['a JWT claim ALB checks itself', RouteAuthentication.jwt({ ...JWT, additionalClaims: [{ name: 'exp', format: JwtClaimFormat.SINGLE_STRING, values: ['1'] }] }),
    /additional claim 'exp' is one ALB checks itself \(iss, exp, nbf, iat\); leave it out\.$/],
  ['a space in a space-separated claim value', RouteAuthentication.jwt({
    ...JWT,
    additionalClaims: [{ name: 'scope', format: JwtClaimFormat.SPACE_SEPARATED_VALUES, values: ['read write'] }],
  }), /additional claim 'scope' has value 'read write'/],
])('%s is rejected, naming the route', (_what, authentication, message) => {
  expect(() => build(authentication)).toThrow(new RegExp(`^Test/Router/admin: authentication: ${message.source}`));
});
