import { App, Stack } from 'aws-cdk-lib';
import { consumerStack, producer } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer } from '../src';

/** A router with `routes` routes, each to a producer in a stack of its own. */
function routerWithProducerStacks(routes: number) {
  const { stack, vpc } = consumerStack();
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  const producers = Array.from({ length: routes + 1 }, (_, index) => {
    const services = new Stack(stack.node.root as App, `Services${index}`);
    const web = producer(services, 'Web', 1);
    return new PrivateLinkProducer(services, 'Producer', { vpc: web.vpc, instances: web.instances });
  });
  producers.slice(0, routes).forEach((target, index) => {
    // Explicit priorities: 100 derived ones at one path depth would likely clash.
    router.addRoute({ path: `/service${index}`, producer: target, priority: index + 1 });
  });
  return { stack, router, spare: producers[routes] };
}

test('100 routes with producers in their own stacks fit one consumer stack: under 500 resources and 1 MB', () => {
  const { stack } = routerWithProducerStacks(100);
  const assembly = (stack.node.root as App).synth();
  const template = assembly.getStackByName(stack.stackName).template;
  const resources = Object.keys(template.Resources).length;
  expect(resources).toBeLessThan(500);
  expect(JSON.stringify(template).length).toBeLessThan(1_000_000);
  expect(Object.values<any>(template.Resources).filter((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(100);
});

test('the 101st route is rejected with the listener rule quota in the message', () => {
  const { router, spare } = routerWithProducerStacks(100);
  expect(() => router.addRoute({ path: '/one-more', producer: spare }))
    .toThrow(/maxRoutes: cannot add route '\/one-more': the listener already holds 100 routes. ALB allows 100 rules per load balancer by default; raise the quota, then maxRoutes/);
});
