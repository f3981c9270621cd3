import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { consumerVpc, producer } from './fixtures';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';
import { AlbPrivateLinkRouter, PrivateLinkProducer } from '../src';

/** A services stack with a producer, and an edge stack whose router has a route to it unless `withRoute` is false. */
function producerAndConsumer(withRoute: boolean) {
  const app = new App();
  const services = new Stack(app, 'Services');
  const web = producer(services, 'Web');
  const docs = new PrivateLinkProducer(services, 'Docs', { vpc: web.vpc, instances: web.instances });
  const edge = new Stack(app, 'Edge');
  new AlbPrivateLinkRouter(edge, 'Router', {
    vpc: consumerVpc(edge, 'Vpc', 2),
    routes: withRoute ? [{ path: '/docs', producer: docs }] : [],
  });
  return { services: Template.fromStack(services), edge: Template.fromStack(edge) };
}

/** Every `Fn::ImportValue` in a template. */
function importsIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(importsIn);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  return 'Fn::ImportValue' in object ? [object['Fn::ImportValue']] : Object.values(object).flatMap(importsIn);
}

test('a producer exports its endpoint service ID under the name a route in another stack imports', () => {
  const { services, edge } = producerAndConsumer(true);
  const exported = Object.values<any>(services.toJSON().Outputs ?? {}).map((output) => output.Export?.Name);
  const imported = importsIn(edge.toJSON().Resources);
  expect(imported).toHaveLength(1);
  expect(exported).toEqual(imported);
});

test('removing the last route to a producer in another stack leaves the producer\'s stack as it was, so one deploy does it', () => {
  const withRoute = producerAndConsumer(true);
  const withoutRoute = producerAndConsumer(false);
  expect(importsIn(withoutRoute.edge.toJSON().Resources)).toEqual([]);
  expect(withoutRoute.services.toJSON()).toEqual(withRoute.services.toJSON());
});

test('a producer that a route creates, in the route\'s own stack, exports nothing', () => {
  const stack = new ThreeVpcExampleStack(new App(), 'Example');
  const exports = Object.values<any>(Template.fromStack(stack).toJSON().Outputs ?? {}).filter((output) => output.Export !== undefined);
  expect(exports).toEqual([]);
});
