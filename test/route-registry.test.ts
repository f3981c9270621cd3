// The routes of a listener live on a registry construct in the tree, not in a module: a second copy
// of the library in the app (another version, side by side in node_modules) and a user's own
// PrivateLinkRoute see the same routes.
import { App, Names } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { consumerStack, producer, secondCopyOfTheLibrary } from './fixtures';
import * as library from '../src';
import { AlbPrivateLinkRouter, PrivateLinkRoute } from '../src';
import { observeRoutes } from '../src/private/route-observers';
import { routeRegistryIdOf, routesOnListener } from '../src/private/route-registry';

test('the second copy is another copy: its classes are not the first one\'s', () => {
  const copy = secondCopyOfTheLibrary();
  expect(copy.PrivateLinkRoute).not.toBe(PrivateLinkRoute);
  expect(copy.AlbPrivateLinkRouter).not.toBe(AlbPrivateLinkRouter);
});

test('two copies of the library check their routes on one listener against each other', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const copy = secondCopyOfTheLibrary();
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances, priority: 10 }] });
  expect(() => new copy.PrivateLinkRoute(stack, 'FromCopy', { listener: router.listener, vpc, path: '/b', priority: 10, producerVpc: web.vpc, instances: web.instances }))
    .toThrow(/^Test\/FromCopy: priority: route '\/b' asks for listener-rule priority 10, which route '\/a' \(Test\/Router\/a\) already has on the same listener/);
});

test('a router of one copy sees the routes a second copy added to its listener first', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const copy = secondCopyOfTheLibrary();
  const router = new copy.AlbPrivateLinkRouter(stack, 'Router', { vpc });
  new PrivateLinkRoute(stack, 'Direct', { listener: router.listener, vpc, path: '/a', producerVpc: web.vpc, instances: web.instances });
  expect(() => router.addRoute({ path: '/a/', producerVpc: web.vpc, instances: web.instances }))
    .toThrow(/^Test\/Router\/a: path: route '\/a\/' matches the same requests as route '\/a' \(Test\/Direct\); remove one of them/);
});

test('a user\'s own PrivateLinkRoute on the router\'s listener is checked against the router\'s routes, and theirs against it', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
  expect(() => new PrivateLinkRoute(stack, 'Mine', { listener: router.listener, vpc, path: '/a/', producerVpc: web.vpc, instances: web.instances }))
    .toThrow(/^Test\/Mine: path: route '\/a\/' matches the same requests as route '\/a' \(Test\/Router\/a\); remove one of them/);
  new PrivateLinkRoute(stack, 'Other', { listener: router.listener, vpc, path: '/b', priority: 20, producerVpc: web.vpc, instances: web.instances });
  expect(() => router.addRoute({ path: '/c', priority: 20, producerVpc: web.vpc, instances: web.instances }))
    .toThrow(/^Test\/Router\/c: priority: route '\/c' asks for listener-rule priority 20, which route '\/b' \(Test\/Other\) already has on the same listener/);
});

test('the registry is one construct per listener, a child of the stack under its documented ID, shared by both copies', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  const copy = secondCopyOfTheLibrary();
  const listenerKey = stack.resolve((router.listener.node.defaultChild as elbv2.CfnListener).logicalId);
  const registries = () => stack.node.children.filter((child) => child.node.id.startsWith('cdk-alb-privatelink-router.'));
  expect(registries().map((child) => child.node.id)).toEqual([routeRegistryIdOf(listenerKey)]);
  new copy.PrivateLinkRoute(stack, 'FromCopy', { listener: router.listener, vpc, path: '/a', producerVpc: web.vpc, instances: web.instances });
  router.addRoute({ path: '/b', producerVpc: web.vpc, instances: web.instances });
  expect(registries()).toHaveLength(1);
  expect(registries()[0].node.children).toEqual([]);
});

test('the registry adds no resource and no metadata to the template', () => {
  const { stack, vpc } = consumerStack();
  const listener = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  const synth = () => App.of(stack)!.synth({ force: true }).getStackByName(stack.stackName);
  const before = synth();
  routesOnListener(stack, listener);
  const after = synth();
  expect(after.template).toEqual(before.template);
  expect(after.manifest.metadata).toEqual(before.manifest.metadata);
});

test('a construct of the user under the registry\'s ID is reported, not taken for the registry', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const listener = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  const listenerKey = stack.resolve((listener.node.defaultChild as elbv2.CfnListener).logicalId);
  new Construct(stack, routeRegistryIdOf(listenerKey));
  expect(() => new PrivateLinkRoute(stack, 'Route', { listener, vpc, path: '/a', producerVpc: web.vpc, instances: web.instances }))
    .toThrow(new RegExp(`^Test/cdk-alb-privatelink-router.Routes-${listenerKey}: id: the construct ID '.*' is the one routes on listener 'Test/Alb/Http' keep their registry under; give this construct another ID\\.$`));
});

test('a route a user makes shares the router\'s endpoint when given the router as consumer, and has one of its own otherwise', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const api = new library.PrivateLinkProducer(stack, 'Api', { vpc: web.vpc, instances: web.instances });
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producer: api }] });
  const mine = new PrivateLinkRoute(router, 'Mine', { listener: router.listener, vpc, path: '/m', producer: api });
  expect(mine.privateLinkTargetGroup.node.path).toBe(`Test/Router/Mine/PrivateLink${Names.nodeUniqueId(api.node)}`);
  const sharing = new PrivateLinkRoute(stack, 'Sharing', { listener: router.listener, vpc, consumer: router, path: '/s', producer: api });
  expect(sharing.privateLinkTargetGroup).toBe(router.routes[0].privateLinkTargetGroup);
  expect(router.addPrivateLinkTargetGroup(api)).toBe(sharing.privateLinkTargetGroup);
  expect(router.addRoute({ path: '/b', producer: api }).privateLinkTargetGroup).toBe(sharing.privateLinkTargetGroup);
});

test('observing the routes of a construct that is not a router is reported', () => {
  const { stack } = consumerStack();
  expect(() => observeRoutes(new Construct(stack, 'NotARouter'), () => undefined))
    .toThrow(/^Test\/NotARouter: router: is not an AlbPrivateLinkRouter whose routes can be observed\.$/);
});
