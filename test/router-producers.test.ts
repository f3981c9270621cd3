import { App, CfnResource, Duration, Fn, Names, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { buildRouter as build, consumerStack, groupIdOf, logicalId, producer, ProducerFixture } from './fixtures';
import { AlbPrivateLinkRouter, IPrivateLinkProducer, PrivateLinkConsumer, PrivateLinkProducer, PrivateLinkRoute, PrivateLinkRouteOptions } from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

/** Every producer test runs for a producer defined in the app and for one imported by name. */
const KINDS = ['owned', 'imported'] as const;
type Kind = typeof KINDS[number];

/**
 * A consumer stack and a producer `Api` on port 8080: a `PrivateLinkProducer` in a stack of its
 * own (`Services`), or a service imported by name into the consumer stack.
 */
function withProducer(kind: Kind, attributes: { healthCheck?: elbv2.HealthCheck; deregistrationDelay?: Duration } = {}) {
  const { stack, vpc } = consumerStack();
  const services = new Stack(stack.node.root as App, 'Services');
  const web = producer(services, 'Web');
  const api: IPrivateLinkProducer = kind === 'owned'
    ? new PrivateLinkProducer(services, 'Api', { vpc: web.vpc, instances: web.instances, port: 8080, ...attributes })
    : PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Api', { endpointServiceName: SERVICE_NAME, port: 8080, ...attributes });
  return { stack, vpc, services, web, api };
}

/** How the consumer's endpoint names the service of each kind of producer. */
const serviceNameOf = (kind: Kind) => (kind === 'owned'
  ? { 'Fn::Join': ['.', ['com.amazonaws.vpce', { Ref: 'AWS::Region' }, { 'Fn::ImportValue': Match.anyValue() }]] }
  : SERVICE_NAME);

describe.each(KINDS)('a route to an %s producer', (kind) => {
  test('creates no load balancer, only the endpoint to the producer\'s service, on its port', () => {
    const { stack, vpc, api } = withProducer(kind);
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/api', producer: api }] });
    const consumer = Template.fromStack(stack);
    consumer.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 0);
    consumer.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: serviceNameOf(kind),
      SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(stack, subnet) })),
    });
    consumer.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Port: 8080 });
    expect(router.routes[0].producer).toBe(api);
    expect(router.routes[0].port).toBe(8080);
  });

  test('routes naming the producer share its endpoint, IP lookup and target group', () => {
    const { stack, vpc, api } = withProducer(kind);
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [{ path: '/api', producer: api }, { path: '/v2/api', producer: api }],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.resourceCountIs('Custom::EndpointIpAddresses', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    const targetGroupId = logicalId(stack, router.routes[0].targetGroup);
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules.map((rule) => rule.Properties.Actions[0].TargetGroupArn)).toEqual([{ Ref: targetGroupId }, { Ref: targetGroupId }]);
  });

  test('the shared endpoint is named after the producer, so removing the route that came first keeps it', () => {
    const endpointId = (paths: string[]) => {
      const { stack, vpc, api } = withProducer(kind);
      const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: paths.map((path) => ({ path, producer: api })) });
      return logicalId(stack, router.routes[0].endpoint);
    };
    expect(endpointId(['/b'])).toEqual(endpointId(['/a', '/b']));
    expect(endpointId(['/b'])).toMatch(kind === 'owned' ? /^RouterPrivateLinkServicesApi[0-9A-F]{8}Endpoint/ : /^RouterPrivateLinkTestApi[0-9A-F]{8}Endpoint/);
  });

  test('the producer\'s health check and deregistration delay go to the ALB target group', () => {
    const { stack, vpc, api } = withProducer(kind, {
      healthCheck: { path: '/ping', healthyHttpCodes: '200,204', interval: Duration.minutes(1) },
      deregistrationDelay: Duration.seconds(20),
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/api', producer: api }] });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8080,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/ping',
      HealthCheckIntervalSeconds: 60,
      HealthCheckTimeoutSeconds: 5,
      Matcher: { HttpCode: '200,204' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]),
    });
  });

  test.each<[string, (web: ProducerFixture) => Partial<PrivateLinkRouteOptions>, RegExp]>([
    ['producerVpc too', (web) => ({ producerVpc: web.vpc }),
      /^Test\/Router\/x: producer: a route either names a producer or creates one from producerVpc and its targets, not both/],
    ['instances too', (web) => ({ instances: web.instances }), /^Test\/Router\/x: producer: a route either names a producer or creates one/],
    ['a port the producer does not offer', () => ({ port: 80 }),
      /^Test\/Router\/x: port: producer '(Services|Test)\/Api' offers port 8080, not 80; serve it first, with the producer's addPort/],
    ['a health check', () => ({ healthCheck: { path: '/h' } }),
      /^Test\/Router\/x: healthCheck: a route to an existing producer takes its health checks, deregistration delay, target protocol and protocol version from the producer's port.*set them on producer '(Services|Test)\/Api'/],
    ['a deregistration delay', () => ({ deregistrationDelay: Duration.seconds(5) }), /^Test\/Router\/x: deregistrationDelay: a route to an existing producer takes/],
  ])('and %s is rejected, naming the route and the prop', (_what, extra, message) => {
    const { stack, vpc, web, api } = withProducer(kind);
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/x', producer: api, ...extra(web) }] })).toThrow(message);
  });

  test('given empty lists of targets beside it is accepted: an empty list is no target', () => {
    const { stack, vpc, api } = withProducer(kind);
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/x', producer: api, instances: [], ecsServices: [], ipAddresses: [] }] });
    expect(router.routes[0].producer).toBe(api);
  });

  test('given a port equal to the producer\'s is accepted', () => {
    const { stack, vpc, api } = withProducer(kind);
    expect(new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/x', producer: api, port: 8080 }] }).routes[0].port).toBe(8080);
  });

  test('given a PrivateLinkConsumer forwards to the consumer\'s endpoint for its producer', () => {
    const { stack, vpc, api } = withProducer(kind);
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc });
    const group = consumer.addPrivateLinkTargetGroup(api);
    const route = new PrivateLinkRoute(stack, 'Route', { path: '/x', listener: router.listener, vpc, consumer, producer: api });
    expect(route.producer).toBe(api);
    expect(route.targetGroup).toBe(group.targetGroup);
    expect(route.destinations).toEqual([{ producer: api, port: 8080, privateLinkTargetGroup: group, targetGroup: group.targetGroup }]);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 1);
  });
});

test('an invalid route to a producer is reported by its root cause, before the producer\'s endpoint is made', () => {
  const { stack, vpc, web, services } = withProducer('owned');
  const manual = new PrivateLinkProducer(services, 'Manual', { vpc: web.vpc, instances: web.instances, acceptanceRequired: true });
  expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '//x', producer: manual }] }))
    .toThrow(/^Test\/Router\/x: path: '\/\/x' has an empty segment/);
});

test.each(['endpointSubnets', 'endpointSecurityGroup', 'loadBalancerAvailabilityZones'])('a route given a consumer and %s is rejected: the consumer places its endpoints', (prop) => {
  const { stack, vpc, api } = withProducer('imported');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc });
  const placement = { endpointSubnets: { subnets: vpc.isolatedSubnets }, endpointSecurityGroup: router.endpointSecurityGroup, loadBalancerAvailabilityZones: ['eu-west-1a'] };
  expect(() => new PrivateLinkRoute(stack, 'Route', { path: '/x', listener: router.listener, vpc, consumer, producer: api, [prop]: placement[prop as keyof typeof placement] }))
    .toThrow(new RegExp(`^Test/Route: ${prop}: the route's endpoint is placed by consumer 'Test/Endpoints'; leave out ${prop}, or the consumer\\.$`));
});

test('a route given a consumer in another VPC is rejected', () => {
  const { stack, vpc, web, api } = withProducer('imported');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  const elsewhere = new PrivateLinkConsumer(stack, 'Elsewhere', { vpc: web.vpc });
  expect(() => new PrivateLinkRoute(stack, 'Route', { path: '/x', listener: router.listener, vpc, consumer: elsewhere, producer: api }))
    .toThrow(/^Test\/Route: vpc: 'Test\/Consumer' is not the VPC of consumer 'Test\/Elsewhere', 'Services\/Web'; give the consumer's VPC, or another consumer\.$/);
});

describe('routes that create their producer', () => {
  test.each<[string, (web: ProducerFixture) => Partial<PrivateLinkRouteOptions>, RegExp]>([
    ['a producer VPC but no targets', (web) => ({ producerVpc: web.vpc }),
      /^Test\/Router\/x: instances: no targets; give at least one instance, Auto Scaling group, IP address, ECS service or Application Load Balancer/],
    ['instances but no producer VPC', (web) => ({ instances: web.instances }), /^Test\/Router\/x: producerVpc: give the VPC of the targets/],
    ['nothing to route to', () => ({}), /^Test\/Router\/x: producer: the route has nowhere to go; give a producer, or producerVpc with instances/],
  ])('%s is rejected', (_what, target, message) => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/x', ...target(web) }] })).toThrow(message);
  });

  test('the route\'s health check goes to both target groups', () => {
    const { template } = build((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances, healthCheck: { path: '/healthz' } }]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance', HealthCheckProtocol: 'HTTP', HealthCheckPath: '/healthz' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', HealthCheckProtocol: 'HTTP', HealthCheckPath: '/healthz' });
  });

  test('a route that creates its own producer keeps its endpoint, placed as its consumer places endpoints', () => {
    const { stack, vpc, web } = withProducer('owned');
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc, endpointSubnets: { subnets: vpc.isolatedSubnets.slice(0, 2) } });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const route = new PrivateLinkRoute(stack, 'Route', { path: '/x', producerVpc: web.vpc, instances: web.instances, listener: router.listener, vpc, consumer });
    expect(route.privateLinkTargetGroup.node.path).toBe('Test/Route/PrivateLink');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      SubnetIds: vpc.isolatedSubnets.slice(0, 2).map((subnet) => ({ Ref: logicalId(stack, subnet) })),
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(stack, consumer.endpointSecurityGroup), 'GroupId'] }],
    });
  });

  const duplicateWarning = /Test\/Router\/b: producerVpc: the route creates a producer for the same targets, port and settings as route 'Test\/Router\/a'.*Create one PrivateLinkProducer and give it to both routes as 'producer'/;

  test('a route creating a producer for the same targets, port and settings as another is warned of', () => {
    const { stack } = build((web) => [
      { path: '/a', producerVpc: web.vpc, instances: web.instances },
      { path: '/b', producerVpc: web.vpc, instances: [...web.instances].reverse() },
    ]);
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Test/Router/b', Match.stringLikeRegexp(duplicateWarning.source));
    expect(annotations.findWarning('/Test/Router/a', Match.anyValue())).toEqual([]);
  });

  test.each([
    ['other instances', (web: ProducerFixture) => ({ instances: web.instances.slice(1) })],
    ['another port', () => ({ port: 8080 })],
    ['another health check', () => ({ healthCheck: { path: '/b' } })],
    ['other producer subnets', (web: ProducerFixture) => ({ producerSubnets: { subnets: web.vpc.isolatedSubnets.slice(0, 1) } })],
  ])('a route creating a producer with %s is not warned of', (_what, differ) => {
    const { stack } = build((web) => [
      { path: '/a', producerVpc: web.vpc, instances: web.instances },
      { path: '/b', producerVpc: web.vpc, instances: web.instances, ...differ(web) },
    ]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(duplicateWarning.source))).toEqual([]);
  });
});

test('a route whose id takes the construct ID of a producer\'s shared endpoint is reported when a route names that producer', () => {
  const { stack, vpc, web, api } = withProducer('owned');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  const sharedId = `PrivateLink${Names.nodeUniqueId(api.node)}`;
  router.addRoute({ path: '/x', id: sharedId, producerVpc: web.vpc, instances: web.instances });
  expect(() => router.addRoute({ path: '/y', producer: api }))
    .toThrow(new RegExp(`^Test/Router: id: 'Test/Router/${sharedId}' has the construct ID '${sharedId}', which the endpoint of producer 'Services/Api' is given here; give that construct another ID\\.$`));
});

describe('PrivateLinkProducer.fromPrivateLinkProducerAttributes', () => {
  test('imports a service by name, on port 80 unless told, creating nothing', () => {
    const { stack } = consumerStack();
    const imported = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Orders', { endpointServiceName: Fn.importValue('OrdersServiceName') });
    expect(imported.port).toBe(80);
    expect(imported.availabilityZones).toBeUndefined();
    expect(stack.resolve(imported.endpointServiceName)).toEqual({ 'Fn::ImportValue': 'OrdersServiceName' });
    expect(imported.node.findAll().filter((construct) => construct instanceof CfnResource)).toEqual([]);
  });

  test.each<[string, object, RegExp]>([
    ['an empty service name', { endpointServiceName: '' }, /^Test\/Orders: endpointServiceName: is empty/],
    ['an invalid port', { endpointServiceName: SERVICE_NAME, port: 0 }, /^Test\/Orders: port: must be an integer from 1 to 65535, got 0/],
    ['no zones', { endpointServiceName: SERVICE_NAME, availabilityZones: [] }, /^Test\/Orders: availabilityZones: is empty; leave it out if the zones are not known/],
    ['a health check on another port', { endpointServiceName: SERVICE_NAME, healthCheck: { port: '9000' } }, /^Test\/Orders: healthCheck: port must be 'traffic-port'/],
  ])('rejects %s', (_what, attributes, message) => {
    const { stack } = consumerStack();
    expect(() => PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Orders', attributes as never)).toThrow(message);
  });

  test('its zones keep default endpoint subnets in them, and reject explicit ones outside them', () => {
    const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
    const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Orders', {
      endpointServiceName: SERVICE_NAME,
      availabilityZones: ['eu-west-1b', 'eu-west-1c'],
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producer: orders }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      SubnetIds: vpc.isolatedSubnets.slice(1).map((subnet) => ({ Ref: logicalId(stack, subnet) })),
    });
    expect(() => new AlbPrivateLinkRouter(stack, 'Explicit', { vpc, endpointSubnets: { subnets: vpc.isolatedSubnets }, routes: [{ path: '/orders', producer: orders }] }))
      .toThrow(/endpointSubnets: the endpoint subnets are in Availability Zones \(eu-west-1a\) where the producer's load balancer has no subnet/);
  });

  test('isPrivateLinkProducer tells a producer made here from an import and other values', () => {
    const { stack, api: owned } = withProducer('owned');
    const imported = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Imported', { endpointServiceName: SERVICE_NAME });
    expect([owned, imported, stack, undefined, null, {}].map(PrivateLinkProducer.isPrivateLinkProducer))
      .toEqual([true, false, false, false, false, false]);
  });
});

describe('shared resources', () => {
  test('routes share one endpoint security group, with one ALB rule pair per port', () => {
    const { stack, vpc } = consumerStack();
    const [a, b, c] = ['A', 'B', 'C'].map((id) => producer(stack, id, 1));
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/a', producerVpc: a.vpc, instances: a.instances },
        { path: '/b', producerVpc: b.vpc, instances: b.instances },
        { path: '/c', producerVpc: c.vpc, instances: c.instances, port: 8080 },
      ],
    });
    const template = Template.fromStack(stack);
    const endpointGroup = groupIdOf(stack, router.endpointSecurityGroup);
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint'))) {
      expect(endpoint.Properties.SecurityGroupIds).toEqual([endpointGroup]);
    }
    const albGroup = groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]);
    const fromAlb = template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: endpointGroup } });
    expect(Object.values(fromAlb).map((rule) => [rule.Properties.SourceSecurityGroupId, rule.Properties.FromPort, rule.Properties.ToPort]))
      .toEqual([[albGroup, 80, 80], [albGroup, 8080, 8080]]);
    const toEndpoints = template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: albGroup } });
    expect(Object.values(toEndpoints).map((rule) => [rule.Properties.DestinationSecurityGroupId, rule.Properties.FromPort]))
      .toEqual([[endpointGroup, 80], [endpointGroup, 8080]]);
  });

  test.each(KINDS)('with %s producers outside the consumer stack, each route adds 4 resources to it', (kind) => {
    const consumerResources = (routes: number) => {
      const { stack, vpc } = consumerStack();
      const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
      for (let index = 0; index < routes; index++) {
        const services = new Stack(stack.node.root as App, `Services${index}`);
        const web = producer(services, 'Web', 1);
        const service = kind === 'owned'
          ? new PrivateLinkProducer(services, 'Producer', { vpc: web.vpc, instances: web.instances })
          : PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, `Service${index}`, { endpointServiceName: `com.amazonaws.vpce.eu-west-1.vpce-svc-${index}` });
        router.addRoute({ path: `/s${index}`, producer: service });
      }
      return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    };
    // Endpoint, IP lookup, ALB target group, listener rule.
    expect(consumerResources(3) - consumerResources(2)).toBe(4);
  });
});
