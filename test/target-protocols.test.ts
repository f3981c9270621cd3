// What the targets serve on a producer's port: HTTPS up to the target, HTTP/2 and gRPC.
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerStack, expectLeastPrivilege, LISTENERS, logicalId, producer } from './fixtures';
import { failingControlsUnder, findings } from './judges';
import {
  AlbPrivateLinkRouter, IPrivateLinkProducer, PrivateLinkConsumer, PrivateLinkProducer, PrivateLinkRoute, RouteAuthentication,
} from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
const CERTIFICATE = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/0123abcd-0123-4567-89ab-0123456789ab');
const { HTTPS } = elbv2.ApplicationProtocol;
const { HTTP2, GRPC } = elbv2.ApplicationProtocolVersion;

/** Every case that needs an HTTPS listener runs on one of an ALB defined here and on one imported by ARN. */
const HTTPS_LISTENERS = {
  owned: (stack: Stack, vpc: ec2.IVpc) => {
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    return alb.addListener('Https', { port: 443, certificates: [CERTIFICATE], defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  },
  imported: LISTENERS.imported,
};

/** The same service on port 8443 as a producer of the app and as an import of its name. */
const PRODUCERS = {
  owned: (stack: Stack, settings: Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]>): IPrivateLinkProducer => {
    const web = producer(stack, 'Web');
    return new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, port: 8443, ...settings });
  },
  imported: (stack: Stack, settings: Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]>): IPrivateLinkProducer =>
    PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Service', {
      endpointServiceName: SERVICE_NAME,
      port: 8443,
      targetProtocol: settings.targetProtocol,
      protocolVersion: settings.protocolVersion,
      healthCheck: settings.consumerHealthCheck ?? settings.healthCheck,
    }),
};

const PRODUCER_KINDS = Object.entries(PRODUCERS);
const HTTPS_LISTENER_KINDS = Object.entries(HTTPS_LISTENERS);

const propertiesOf = (stack: Stack, construct: elbv2.ApplicationTargetGroup | elbv2.NetworkTargetGroup) =>
  Template.fromStack(stack).toJSON().Resources[logicalId(stack, construct)].Properties;

describe.each(PRODUCER_KINDS)('a route to an %s producer', (producerKind, producerIn) => {
  describe.each(HTTPS_LISTENER_KINDS)('on an %s HTTPS listener', (listenerKind, listenerIn) => {
    function routeTo(settings: Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]>) {
      const { stack, vpc } = consumerStack();
      const service = producerIn(stack, settings);
      const listener = listenerIn(stack, vpc);
      const route = new PrivateLinkRoute(stack, 'Route', { listener, vpc, path: '/orders', producer: service });
      return { stack, service, route, listener };
    }

    test('to HTTPS targets speaks HTTPS to the endpoint and checks it over HTTPS; the NLB passes TCP through', () => {
      const { stack, service, route, listener } = routeTo({ targetProtocol: HTTPS, healthCheck: { path: '/health' } });
      expect(propertiesOf(stack, route.targetGroup)).toMatchObject({
        Port: 8443, Protocol: 'HTTPS', TargetType: 'ip', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/health', HealthCheckPort: 'traffic-port',
      });
      expect(propertiesOf(stack, route.targetGroup).ProtocolVersion).toBeUndefined();
      if (PrivateLinkProducer.isPrivateLinkProducer(service)) {
        // The NLB's check asks for a path, so over HTTPS, as the targets serve it.
        expect(propertiesOf(stack, service.targetGroup)).toMatchObject({ Protocol: 'TCP', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/health' });
        Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TCP', Port: 8443 });
      }
      if (listenerKind === 'owned') {
        expectLeastPrivilege(Template.fromStack(stack), {
          allowedPorts: [443, 8443], worldGroup: logicalId(stack, listener.connections.securityGroups[0]), worldPort: 443,
        });
      }
    });

    test('to HTTP/2 targets sends HTTP/2, with no warning on a listener known to be HTTPS', () => {
      const { stack, route } = routeTo({ targetProtocol: HTTPS, protocolVersion: HTTP2 });
      expect(propertiesOf(stack, route.targetGroup)).toMatchObject({ Protocol: 'HTTPS', ProtocolVersion: 'HTTP2', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/' });
      const warnings = Annotations.fromStack(stack).findWarning('/Test/Route', Match.stringLikeRegexp('protocolVersionListenerUnknown'));
      expect(warnings.map(({ entry }) => entry.data)).toEqual(listenerKind === 'owned' ? [] : [
        expect.stringMatching(/^Test\/Route: listener: producer 'Test\/Service' takes HTTP2 on port 8443, which ALB serves on HTTPS listeners only, and whether listener 'Test\/Http' is HTTPS cannot be told at synth time/),
      ]);
    });

    test('to gRPC targets checks them with gRPC: ALB\'s default method, or the codes and method of the ALB\'s own check', () => {
      const byDefault = routeTo({ protocolVersion: GRPC, healthCheck: { interval: Duration.seconds(10) } });
      expect(propertiesOf(byDefault.stack, byDefault.route.targetGroup)).toMatchObject({
        Protocol: 'HTTP', ProtocolVersion: 'GRPC', HealthCheckProtocol: 'HTTP', HealthCheckPath: '/AWS.ALB/healthcheck',
      });
      expect(propertiesOf(byDefault.stack, byDefault.route.targetGroup).Matcher).toBeUndefined();

      const own = routeTo({
        targetProtocol: HTTPS,
        protocolVersion: GRPC,
        consumerHealthCheck: { path: '/orders.Orders/Check', healthyGrpcCodes: '0' },
      });
      expect(propertiesOf(own.stack, own.route.targetGroup)).toMatchObject({
        Protocol: 'HTTPS', ProtocolVersion: 'GRPC', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/orders.Orders/Check', Matcher: { GrpcCode: '0' },
      });
    });

    if (producerKind === 'owned') {
      test('to gRPC targets, the NLB checks TCP and the ALB takes only the timing of the shared check', () => {
        const { stack, service, route } = routeTo({
          protocolVersion: GRPC, healthCheck: { interval: Duration.seconds(10), healthyThresholdCount: 3 },
        });
        const nlbGroup = propertiesOf(stack, (service as PrivateLinkProducer).targetGroup);
        expect([nlbGroup.HealthCheckProtocol, nlbGroup.HealthCheckIntervalSeconds]).toEqual([undefined, 10]);
        expect(propertiesOf(stack, route.targetGroup)).toMatchObject({
          HealthCheckProtocol: 'HTTP', HealthCheckPath: '/AWS.ALB/healthcheck', HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 3,
        });
      });

      test('to HTTP/2 targets, the NLB checks TCP, as its HTTP/1.1 check may go unanswered, and the path is the ALB\'s', () => {
        const { stack, service, route } = routeTo({
          targetProtocol: HTTPS, protocolVersion: HTTP2, healthCheck: { path: '/health', healthyHttpCodes: '200-299' },
        });
        const nlbGroup = propertiesOf(stack, (service as PrivateLinkProducer).targetGroup);
        expect([nlbGroup.HealthCheckProtocol, nlbGroup.HealthCheckPath, nlbGroup.Matcher]).toEqual([undefined, undefined, undefined]);
        expect(propertiesOf(stack, route.targetGroup)).toMatchObject({ HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/health', Matcher: { HttpCode: '200-299' } });
      });
    }

    test('to an HTTP/2 or gRPC port with authentication is rejected: ALB only forwards to such groups', () => {
      const { stack, vpc } = consumerStack();
      const service = producerIn(stack, { targetProtocol: HTTPS, protocolVersion: GRPC });
      const authentication = RouteAuthentication.jwt({ issuer: 'https://issuer.example.com', jwksEndpoint: 'https://issuer.example.com/jwks' });
      expect(() => new PrivateLinkRoute(stack, 'Route', { listener: listenerIn(stack, vpc), vpc, path: '/orders', producer: service, authentication }))
        .toThrow(/^Test\/Route: authentication: producer 'Test\/Service' takes GRPC on port 8443, and ALB's rules to GRPC target groups can only forward, not authenticate; leave authentication out, or route to an HTTP1 port\.$/);
    });

    test('routes to one port share its target group and the protocol its producer gives it', () => {
      const { stack, vpc } = consumerStack();
      const service = producerIn(stack, { targetProtocol: HTTPS, protocolVersion: HTTP2 });
      const listener = listenerIn(stack, vpc);
      const consumer = new PrivateLinkConsumer(stack, 'Edge', { vpc });
      const orders = new PrivateLinkRoute(stack, 'Orders', { listener, consumer, path: '/orders', producer: service });
      const refunds = new PrivateLinkRoute(stack, 'Refunds', { listener, consumer, path: '/refunds', producer: service });
      expect(refunds.targetGroup).toBe(orders.targetGroup);
      Template.fromStack(stack).resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', producerKind === 'owned' ? 2 : 1);
      expect(propertiesOf(stack, orders.targetGroup)).toMatchObject({ Protocol: 'HTTPS', ProtocolVersion: 'HTTP2' });
    });
  });

  test('to an HTTP/2 port on an HTTP listener is rejected, naming it', () => {
    const { stack, vpc } = consumerStack();
    const service = producerIn(stack, { protocolVersion: HTTP2 });
    expect(() => new PrivateLinkRoute(stack, 'Route', { listener: LISTENERS.owned(stack, vpc), vpc, path: '/orders', producer: service }))
      .toThrow(/^Test\/Route: listener: producer 'Test\/Service' takes HTTP2 on port 8443, which ALB serves on HTTPS listeners only, and listener 'Test\/Alb\/Http' is HTTP; make it HTTPS \(a router's: give it certificates or domainName\), or route to an HTTP1 port\.$/);
  });
});

/** The settings of a port that a route gives only to a producer it creates. */
const ROUTE_PORT_SETTINGS = ['targetProtocol', 'protocolVersion', 'consumerHealthCheck'] as const;

describe('a router', () => {
  test('of HTTP only refuses a route to a gRPC port', () => {
    const { stack, vpc } = consumerStack();
    const service = PRODUCERS.owned(stack, { protocolVersion: GRPC });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producer: service }] }))
      .toThrow(/^Test\/Router\/orders: listener: producer 'Test\/Service' takes GRPC on port 8443, which ALB serves on HTTPS listeners only, and listener 'Test\/Router\/LoadBalancer\/Listener' is HTTP; make it HTTPS/);
  });

  test('creates a producer for a route with the route\'s protocols, and checks it as told', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      certificates: [CERTIFICATE],
      routes: [{
        path: '/orders',
        producerVpc: web.vpc,
        instances: web.instances,
        port: 8443,
        targetProtocol: HTTPS,
        protocolVersion: GRPC,
        consumerHealthCheck: { healthyGrpcCodes: '0-2' },
      }],
    });
    const [orders] = router.routes;
    expect([orders.producer.targetProtocol, orders.producer.protocolVersion]).toEqual([HTTPS, GRPC]);
    expect(propertiesOf(stack, orders.targetGroup)).toMatchObject({ Protocol: 'HTTPS', ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '0-2' } });
  });

  test.each(ROUTE_PORT_SETTINGS)('refuses %s on a route to an existing producer, which owns it', (prop) => {
    const { stack, vpc } = consumerStack();
    const service = PRODUCERS.owned(stack, {});
    const value = { targetProtocol: HTTPS, protocolVersion: HTTP2, consumerHealthCheck: { path: '/health' } }[prop];
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, certificates: [CERTIFICATE], routes: [{ path: '/orders', producer: service, [prop]: value }] }))
      .toThrow(new RegExp(`^Test/Router/orders: ${prop}: a route to an existing producer takes its health checks, deregistration delay, target protocol and protocol version from the producer's port, which its routes share; set them on producer 'Test/Service'\\.$`));
  });

  test('refuses a weighted route over producers of different protocol versions, naming both', () => {
    const { stack, vpc } = consumerStack();
    const grpc = PRODUCERS.owned(stack, { protocolVersion: GRPC });
    const http = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Legacy', { endpointServiceName: SERVICE_NAME, port: 8443 });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc, certificates: [CERTIFICATE], routes: [{ path: '/orders', producers: [{ producer: grpc, weight: 1 }, { producer: http, weight: 1 }] }],
    })).toThrow(/^Test\/Router\/orders: producers: producers\[0\] \('Test\/Service'\) takes GRPC and producers\[1\] \('Test\/Legacy'\) HTTP1 on their ports; ALB refuses with 464 a request that its group's protocol version cannot carry/);
  });

  test('compares the gRPC checks of a weighted route\'s producers by gRPC codes, ALB\'s default being 12', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const grpc = (id: string, consumerHealthCheck?: elbv2.HealthCheck) => new PrivateLinkProducer(stack, id, {
      vpc: web.vpc, instances: web.instances, port: 50051, targetProtocol: HTTPS, protocolVersion: GRPC, consumerHealthCheck,
    });
    const [byDefault, spelledOut, ok] = [grpc('ByDefault'), grpc('SpelledOut', { healthyGrpcCodes: '12' }), grpc('Ok', { healthyGrpcCodes: '0' })];
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      certificates: [CERTIFICATE],
      routes: [
        { path: '/alike', producers: [{ producer: byDefault, weight: 1 }, { producer: spelledOut, weight: 1 }] },
        { path: '/differ', producers: [{ producer: byDefault, weight: 1 }, { producer: ok, weight: 1 }] },
      ],
    });
    const differing = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('weightedHealthChecksDiffer'));
    expect(differing.map(({ id, entry }) => [id, entry.data])).toEqual([
      [`/${router.routes[1].node.path}`, expect.stringContaining('differently (codes 12 against 0)')],
    ]);
  });

  test('spreads a weighted route over producers of one protocol version, HTTPS to one and HTTP to the other', () => {
    const { stack, vpc } = consumerStack();
    const secure = PRODUCERS.owned(stack, { targetProtocol: HTTPS });
    const plain = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Legacy', { endpointServiceName: SERVICE_NAME, port: 8080 });
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc, certificates: [CERTIFICATE], routes: [{ path: '/orders', producers: [{ producer: secure, weight: 1 }, { producer: plain, weight: 1 }] }],
    });
    expect(router.routes[0].destinations.map(({ targetGroup }) => propertiesOf(stack, targetGroup).Protocol)).toEqual(['HTTPS', 'HTTP']);
  });
});

describe('the settings of a port are checked', () => {
  const build = (settings: Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]>) => () => PRODUCERS.owned(consumerStack().stack, settings);
  const imported = (attributes: Partial<Parameters<typeof PrivateLinkProducer.fromPrivateLinkProducerAttributes>[2]>) => () =>
    PrivateLinkProducer.fromPrivateLinkProducerAttributes(consumerStack().stack, 'Service', { endpointServiceName: SERVICE_NAME, ...attributes });

  test.each<[string, () => unknown, RegExp]>([
    ['a target protocol ALB does not speak to targets', build({ targetProtocol: 'TCP' as elbv2.ApplicationProtocol }),
      /^Test\/Service: targetProtocol: 'TCP' is not a protocol the consumer's ALB speaks to targets; give HTTP or HTTPS\.$/],
    ['a protocol version ALB does not have', build({ protocolVersion: 'HTTP3' as elbv2.ApplicationProtocolVersion }),
      /^Test\/Service: protocolVersion: 'HTTP3' is not an ALB protocol version; give HTTP1, HTTP2 or GRPC\.$/],
    ['an NLB check over HTTP of HTTPS targets', build({ targetProtocol: HTTPS, healthCheck: { protocol: elbv2.Protocol.HTTP, path: '/health' } }),
      /^Test\/Service: healthCheck: protocol HTTP is not what the targets serve on the port \(targetProtocol HTTPS\), so the check would fail; give HTTPS or TCP, or leave it out\.$/],
    ['gRPC codes in the check the NLB shares', build({ protocolVersion: GRPC, healthCheck: { healthyGrpcCodes: '0' } }),
      /^Test\/Service: healthCheck: healthyGrpcCodes: the NLB has no gRPC check; give the consumer's ALB its gRPC codes with consumerHealthCheck, and leave them out here\.$/],
    ['an NLB check over HTTPS of an HTTP/2 port', build({ targetProtocol: HTTPS, protocolVersion: HTTP2, healthCheck: { protocol: elbv2.Protocol.HTTPS } }),
      /^Test\/Service: healthCheck: protocol: the NLB checks over HTTP\/1\.1 only, which a HTTP2 server need not answer, so it checks TCP on a HTTP2 port; leave protocol out\.$/],
    ['a path in the check a gRPC port\'s NLB shares', build({ protocolVersion: GRPC, healthCheck: { path: '/health' } }),
      /^Test\/Service: healthCheck: has a path or healthyHttpCodes, which neither check of a GRPC port can use: the NLB checks TCP, the ALB with gRPC codes; give the ALB's path and codes in consumerHealthCheck\.$/],
    ['a TCP check of the consumer\'s ALB', build({ consumerHealthCheck: { protocol: elbv2.Protocol.TCP } }),
      /^Test\/Service: consumerHealthCheck: protocol TCP is not one the consumer's ALB checks with; give HTTP or HTTPS, or leave it out\.$/],
    ['HTTP codes in the ALB\'s check of a gRPC port', build({ protocolVersion: GRPC, consumerHealthCheck: { healthyHttpCodes: '200' } }),
      /^Test\/Service: consumerHealthCheck: healthyHttpCodes: the ALB's check of a GRPC port matches gRPC status codes; use healthyGrpcCodes\.$/],
    ['gRPC codes in the ALB\'s check of an HTTP/2 port', build({ protocolVersion: HTTP2, consumerHealthCheck: { healthyGrpcCodes: '0' } }),
      /^Test\/Service: consumerHealthCheck: healthyGrpcCodes: the port's protocolVersion is HTTP2, whose checks match HTTP codes; use healthyHttpCodes, or set protocolVersion GRPC\.$/],
    ['a gRPC code above 99', build({ protocolVersion: GRPC, consumerHealthCheck: { healthyGrpcCodes: '0-100' } }),
      /^Test\/Service: consumerHealthCheck: healthyGrpcCodes: '0-100' is outside 0-99; give codes from 0 to 99 \(gRPC status codes\), as '0', '0,12' or '0-5'\.$/],
    ['an import\'s check over HTTPS of HTTP targets', imported({ healthCheck: { protocol: elbv2.Protocol.HTTPS } }),
      /^Test\/Service: healthCheck: protocol HTTPS is not what the targets serve on the port \(targetProtocol HTTP\), so the check would fail; give HTTP, or leave it out\.$/],
    ['an import\'s additional port of a protocol ALB does not speak', imported({ additionalPorts: [{ port: 9090, targetProtocol: 'TLS' as elbv2.ApplicationProtocol }] }),
      /^Test\/Service: additionalPorts: port 9090: targetProtocol: 'TLS' is not a protocol the consumer's ALB speaks to targets; give HTTP or HTTPS\.$/],
  ])('%s is refused', (_what, make, message) => {
    expect(make).toThrow(message);
  });

  test('an import says what each port serves, and its routes speak it without repeating it', () => {
    const { stack, vpc } = consumerStack();
    const service = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Service', {
      endpointServiceName: SERVICE_NAME,
      port: 8443,
      targetProtocol: HTTPS,
      additionalPorts: [{ port: 50051, targetProtocol: HTTPS, protocolVersion: GRPC, healthCheck: { healthyGrpcCodes: '0,12' } }],
    });
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc, certificates: [CERTIFICATE], routes: [{ path: '/orders', producer: service }, { path: '/orders.Orders/*', producer: service, port: 50051 }],
    });
    const [web, grpc] = router.routes;
    expect(propertiesOf(stack, web.targetGroup)).toMatchObject({ Protocol: 'HTTPS', HealthCheckProtocol: 'HTTPS' });
    expect(propertiesOf(stack, grpc.targetGroup)).toMatchObject({ Protocol: 'HTTPS', ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '0,12' } });
  });

  test('a port added with addPort keeps its protocols for the routes to it', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances });
    service.addPort(50051, { instances: web.instances, targetProtocol: HTTPS, protocolVersion: GRPC });
    expect(service.additionalPorts).toEqual([
      { port: 50051, targetProtocol: HTTPS, protocolVersion: GRPC, healthCheck: undefined, deregistrationDelay: undefined },
    ]);
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, certificates: [CERTIFICATE], routes: [{ path: '/rpc/*', producer: service, port: 50051 }] });
    expect(propertiesOf(stack, router.routes[0].targetGroup)).toMatchObject({ Protocol: 'HTTPS', ProtocolVersion: 'GRPC', HealthCheckPath: '/AWS.ALB/healthcheck' });
  });
});

describe('the judges on HTTPS, HTTP/2 and gRPC ports', () => {
  function routerOf(settings: Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]>): AlbPrivateLinkRouter {
    const { stack, vpc } = consumerStack();
    const service = PRODUCERS.owned(stack, settings);
    return new AlbPrivateLinkRouter(stack, 'Router', {
      vpc, certificates: [CERTIFICATE], routes: [{ path: '/orders', producer: service }],
    });
  }
  const routerFindings = (router: AlbPrivateLinkRouter) => findings(Stack.of(router)).filter((finding) => finding.includes(' Test/'));

  test.each([
    ['HTTPS', { targetProtocol: HTTPS }],
    ['HTTP/2', { targetProtocol: HTTPS, protocolVersion: HTTP2 }],
    ['gRPC', { targetProtocol: HTTPS, protocolVersion: GRPC }],
  ])('%s adds no cdk-nag finding and fails no Control Tower control that HTTP passes', (_what, settings) => {
    expect(routerFindings(routerOf(settings))).toEqual(routerFindings(routerOf({})));
    const failing = failingControlsUnder(routerOf(settings));
    const plain = failingControlsUnder(routerOf({}));
    expect(Object.keys(failing).filter((control) => !(control in plain))).toEqual([]);
  });
});
