import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AddPrivateLinkRouteOptions, AlbPrivateLinkRouter, PrivateLinkProducer, PrivateLinkRoute } from '../src';
import { consumerStack, producer, ProducerFixture } from './fixtures';

/** A router and what routes need: a producer VPC of instances, and a public-only VPC. */
function setup() {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  return { stack, vpc, web, publicOnly, router };
}

type Setup = ReturnType<typeof setup>;
const targets = (web: ProducerFixture) => ({ producerVpc: web.vpc, instances: web.instances });

describe('a route\'s mistakes are reported by the route and the prop the user wrote', () => {
  test.each<[string, (s: Setup) => AddPrivateLinkRouteOptions, RegExp]>([
    ['a host with a scheme', (s) => ({ hosts: ['https://shop.example.com'], ...targets(s.web) }),
      /^Test\/Router: hosts: 'https:\/\/shop.example.com' contains characters an ALB host condition rejects/],
    ['a host with a path', (s) => ({ hosts: ['shop.example.com/x'], ...targets(s.web) }),
      /^Test\/Router: hosts: 'shop.example.com\/x' contains characters/],
    ['a host with a port', (s) => ({ path: '/a', hosts: ['shop.example.com:8443'], ...targets(s.web) }),
      /^Test\/Router\/shop.example.com:8443-a: hosts: 'shop.example.com:8443' contains characters/],
    ['a host without a dot', (s) => ({ hosts: ['localhost'], ...targets(s.web) }),
      /^Test\/Router\/localhost: hosts: 'localhost' has no '.'/],
    ['a host ending in digits', (s) => ({ hosts: ['10.0.0.1'], ...targets(s.web) }),
      /^Test\/Router\/10.0.0.1: hosts: '10.0.0.1' has characters other than letters after its last '.'/],
    ['a path with a space', (s) => ({ path: '/a b', ...targets(s.web) }), /^Test\/Router\/a b: path: '\/a b' contains characters/],
    ['a path with a query', (s) => ({ path: '/a?x=1&y', ...targets(s.web) }), /^Test\/Router\/a\?x=1&y: path: /],
    ['a path without a leading slash', (s) => ({ path: 'api', ...targets(s.web) }), /^Test\/Router\/api: path: 'api' must start with '\/'/],
    ['an empty path', (s) => ({ path: '', ...targets(s.web) }), /^Test\/Router\/root: path: is empty/],
    ['a priority of 0', (s) => ({ path: '/a', priority: 0, ...targets(s.web) }), /^Test\/Router\/a: priority: must be an integer from 1 to 50000/],
    ['a priority over 50000', (s) => ({ path: '/a', priority: 50001, ...targets(s.web) }), /^Test\/Router\/a: priority: must be an integer from 1 to 50000/],
    ['a port out of range', (s) => ({ path: '/a', port: 0, ...targets(s.web) }), /^Test\/Router\/a: port: must be an integer from 1 to 65535/],
    ['a producer VPC without private subnets', (s) => ({ path: '/a', producerVpc: s.publicOnly, ipAddresses: ['10.0.0.10'] }),
      /^Test\/Router\/a: producerSubnets: VPC 'Test\/PublicOnly' has no private or isolated subnets/],
    ['producer subnets in the consumer VPC', (s) => ({ path: '/a', ...targets(s.web), producerSubnets: { subnets: s.vpc.isolatedSubnets } }),
      /^Test\/Router\/a: producerSubnets: subnet 'Test\/Consumer\/isolatedSubnet1' is in VPC 'Test\/Consumer'/],
    ['a producer VPC without targets', (s) => ({ path: '/a', producerVpc: s.web.vpc }), /^Test\/Router\/a: instances: no targets/],
    ['instances of another VPC', (s) => ({ path: '/a', producerVpc: producer(s.stack, 'Other').vpc, instances: s.web.instances }),
      /^Test\/Router\/a: instances: instance 'Test\/WebInstance0' is in another VPC than 'Test\/Other'/],
    ['a TCP health check with a path', (s) => ({ path: '/a', ...targets(s.web), healthCheck: { protocol: 'TCP' as never, path: '/h' } }),
      /^Test\/Router\/a: healthCheck: /],
    ['a health check on another port', (s) => ({ path: '/a', ...targets(s.web), healthCheck: { port: '8081' } }),
      /^Test\/Router\/a: healthCheck: port must be 'traffic-port'/],
    ['a deregistration delay for an existing producer', (s) => ({
      path: '/a',
      producer: new PrivateLinkProducer(s.stack, 'Api', { ...{ vpc: s.web.vpc, instances: s.web.instances } }),
      deregistrationDelay: Duration.seconds(5),
    }), /^Test\/Router\/a: deregistrationDelay: a route to an existing producer takes/],
  ])('%s', (_what, route, message) => {
    const s = setup();
    expect(() => s.router.addRoute(route(s))).toThrow(message);
  });

  test('a host with a scheme is reported as a host, not as the construct ID derived from it', () => {
    const s = setup();
    expect(() => s.router.addRoute({ hosts: ['https://shop.example.com'], ...targets(s.web) })).not.toThrow(/: id: /);
  });

  test('a PrivateLinkRoute reports its endpoint\'s mistakes as its own, naming the prop', () => {
    const s = setup();
    expect(() => new PrivateLinkRoute(s.stack, 'Direct', {
      listener: s.router.listener, vpc: s.publicOnly, path: '/a', ...targets(s.web),
    })).toThrow(/^Test\/Direct: endpointSubnets: VPC 'Test\/PublicOnly' has no private or isolated subnets/);
  });

  test('a PrivateLinkRoute reports its producer\'s mistakes as its own, naming the route\'s prop', () => {
    const s = setup();
    expect(() => new PrivateLinkRoute(s.stack, 'Direct', {
      listener: s.router.listener, vpc: s.vpc, path: '/a', producerVpc: s.web.vpc, ipAddresses: ['10.0.0.10', '10.0.0.10'],
    })).toThrow(/^Test\/Direct: ipAddresses: IP address '10.0.0.10' is listed twice/);
  });
});
