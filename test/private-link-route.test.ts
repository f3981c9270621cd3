import { Template } from 'aws-cdk-lib/assertions';
import { consumerStack, expectOnlyTcpBetween, groupIdOf, LISTENERS, logicalId, producer } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer, PrivateLinkRoute } from '../src';

describe.each(Object.entries(LISTENERS))('a PrivateLinkRoute on an %s listener', (kind, listenerIn) => {
  function setup() {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const listener = listenerIn(stack, vpc);
    return { stack, vpc, web, listener };
  }

  test('adds a rule for its path, named after the listener and priority, forwarding to its own endpoint', () => {
    const { stack, vpc, web, listener } = setup();
    const route = new PrivateLinkRoute(stack, 'Route', { listener, vpc, path: '/x', producerVpc: web.vpc, instances: web.instances });
    const template = Template.fromStack(stack);
    const rules = template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule');
    // An imported listener is named by a hash of its ARN.
    const listenerKey = kind === 'owned' ? logicalId(stack, listener) : '[0-9A-F]{8}';
    expect(Object.keys(rules)).toEqual([expect.stringMatching(new RegExp(`^${listenerKey}Rule${route.priority}$`))]);
    expect(Object.values(rules)[0].Properties).toMatchObject({
      ListenerArn: stack.resolve(listener.listenerArn),
      Priority: route.priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/x', '/x/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(stack, route.targetGroup) } }],
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
  });

  test('opens its endpoint to the listener\'s load balancer only, on the route port', () => {
    const { stack, vpc, web, listener } = setup();
    const route = new PrivateLinkRoute(stack, 'Route', { listener, vpc, path: '/x', producerVpc: web.vpc, instances: web.instances, port: 8080 });
    const [endpointGroup] = route.privateLinkTargetGroup.connections.securityGroups;
    const albGroupId = kind === 'owned' ? groupIdOf(stack, listener.connections.securityGroups[0]) : 'sg-0123456789abcdef0';
    expectOnlyTcpBetween(Template.fromStack(stack), albGroupId, groupIdOf(stack, endpointGroup), 8080);
  });

  test('routes to an imported producer', () => {
    const { stack, vpc, listener } = setup();
    const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Orders', {
      endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      port: 8443,
    });
    const route = new PrivateLinkRoute(stack, 'OrdersRoute', { listener, vpc, path: '/orders', producer: orders });
    expect(route.port).toBe(8443);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' });
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 0);
  });

  test('routes on the same listener are checked against each other, naming both', () => {
    const { stack, vpc, web, listener } = setup();
    new PrivateLinkRoute(stack, 'First', { listener, vpc, path: '/x', producerVpc: web.vpc, instances: web.instances });
    expect(() => new PrivateLinkRoute(stack, 'Second', { listener, vpc, path: '/x/', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/^Test\/Second: path: route '\/x\/' matches the same requests as route '\/x' \(Test\/First\); remove one of them/);
    expect(() => new PrivateLinkRoute(stack, 'Third', { listener, vpc, path: '/x/y', priority: 50000, producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/^Test\/Third: priority: route '\/x\/y' \(priority 50000\) would never match: route '\/x'/);
  });
});

test('a router\'s routes and a route added to its listener directly are checked together', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances, priority: 10 }] });
  expect(() => new PrivateLinkRoute(stack, 'Extra', { listener: router.listener, vpc, path: '/b', priority: 10, producerVpc: web.vpc, instances: web.instances }))
    .toThrow(/^Test\/Extra: priority: route '\/b' asks for listener-rule priority 10, which route '\/a' \(Test\/Router\/a\) already has on the same listener/);
});
