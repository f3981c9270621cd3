// cdk-nag and the AWS Control Tower controls on a router with the whole front door: a domain
// name, a WAF web ACL, IPv6 clients, client certificates and authenticated routes.
import { App, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { consumerVpc, producer } from './fixtures';
import { failingControlsUnder, findings } from './judges';
import { AlbPrivateLinkRouter, RouteAuthentication } from '../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };

/** A router with one route, and with the whole front door if asked. */
function routerOf(frontDoor: boolean): AlbPrivateLinkRouter {
  const stack = new Stack(new App(), 'Test', { env: ENV });
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc: consumerVpc(stack, 'Consumer', 2, ec2.IpProtocol.DUAL_STACK),
    ...frontDoor ? {
      domainName: 'shop.example.com',
      domainZone: route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-0123456789ab',
      ipAddressType: elbv2.IpAddressType.DUAL_STACK,
      mutualAuthentication: { mutualAuthenticationMode: elbv2.MutualAuthenticationMode.PASS_THROUGH },
    } : {},
    routes: [{ path: '/web', producerVpc: web.vpc, instances: web.instances }],
  });
  if (frontDoor) {
    const shop = router.routes[0].producer;
    router.addRoute({
      path: '/admin',
      producer: shop,
      authentication: RouteAuthentication.oidc({
        issuer: 'https://idp.example.com',
        authorizationEndpoint: 'https://idp.example.com/authorize',
        tokenEndpoint: 'https://idp.example.com/token',
        userInfoEndpoint: 'https://idp.example.com/userinfo',
        clientId: 'router',
        clientSecret: SecretValue.secretsManager('router-oidc-client'),
      }),
    });
    router.addRoute({ path: '/api', producer: shop, authentication: RouteAuthentication.jwt({ issuer: 'https://idp.example.com', jwksEndpoint: 'https://idp.example.com/jwks' }) });
  }
  return router;
}

const routerFindings = (router: AlbPrivateLinkRouter) => findings(Stack.of(router))
  .filter((finding) => finding.includes(' Test/Router/'))
  .map((finding) => finding.replace(/ProducerWeb\w+/, 'ProducerWeb'));

test('the front door adds no cdk-nag finding to the router\'s', () => {
  expect(routerFindings(routerOf(true))).toEqual(routerFindings(routerOf(false)));
});

test('the front door fails no Control Tower control the plain router passes', () => {
  // HTTPS makes the redirect from HTTP, which passes CT.ELASTICLOADBALANCING.PR.1.
  const plain = failingControlsUnder(routerOf(false));
  const { 'CT.ELASTICLOADBALANCING.PR.1': _redirect, ...rest } = plain;
  expect(failingControlsUnder(routerOf(true))).toEqual(rest);
});
