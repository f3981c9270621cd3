import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { consumerStack, producer } from './fixtures';
import { PrivateLinkRouteOptions } from '../src';
import { resolveRoute, routeIdOf, validateRouteSet } from '../src/route';

const { stack } = consumerStack();
const { vpc, instances } = producer(stack, 'Producer', 1);

function route(path: string, extra: Partial<PrivateLinkRouteOptions> = {}): PrivateLinkRouteOptions {
  return { path, producerVpc: vpc, instances, ...extra };
}

describe('path patterns', () => {
  test('route path /a matches /a and /a/*', () => {
    expect(resolveRoute(route('/a')).pathPatterns).toEqual(['/a', '/a/*']);
  });

  test('a trailing slash is dropped: /a/ matches /a and /a/*', () => {
    expect(resolveRoute(route('/a/')).pathPatterns).toEqual(['/a', '/a/*']);
  });

  test('route path / matches every path', () => {
    expect(resolveRoute(route('/')).pathPatterns).toEqual(['/*']);
  });

  test('a path with * or ? is an ALB pattern used verbatim', () => {
    expect(resolveRoute(route('/img/*.png')).pathPatterns).toEqual(['/img/*.png']);
    expect(resolveRoute(route('/v?/api')).pathPatterns).toEqual(['/v?/api']);
  });
});

describe('defaults', () => {
  test('port defaults to 80', () => {
    expect(resolveRoute(route('/a')).port).toBe(80);
  });

  test('the construct ID derives from the path', () => {
    expect(routeIdOf('/vpc2')).toBe('vpc2');
    expect(routeIdOf('/api/v2/')).toBe('api-v2');
    expect(routeIdOf('/')).toBe('root');
  });
});

describe('derived priorities', () => {
  test('a deeper path is evaluated before a shallower one', () => {
    const shallow = resolveRoute(route('/api')).priority;
    const deep = resolveRoute(route('/api/v2')).priority;
    const deeper = resolveRoute(route('/api/v2/users')).priority;
    expect(deep).toBeLessThan(shallow);
    expect(deeper).toBeLessThan(deep);
    expect(resolveRoute(route('/api/v2/*')).priority).toBeLessThan(resolveRoute(route('/api/*')).priority);
  });

  test('a prefix route is evaluated before a wildcard that reaches less deep, and after one that reaches deeper', () => {
    const prefix = resolveRoute(route('/api')).priority;
    expect(prefix).toBeLessThan(resolveRoute(route('/api*')).priority);
    expect(resolveRoute(route('/api/x*')).priority).toBeLessThan(prefix);
  });

  test('a catch-all / is evaluated after every other route', () => {
    const root = resolveRoute(route('/')).priority;
    for (const path of ['/a', '/zzz', '/a/b', '/x/y/z/w', '/a*', '/b?']) {
      expect(resolveRoute(route(path)).priority).toBeLessThan(root);
    }
  });

  test('a priority depends on its own path only and lies in ALB range', () => {
    const first = resolveRoute(route('/vpc2')).priority;
    expect(resolveRoute(route('/vpc2')).priority).toBe(first);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(50000);
    expect(resolveRoute(route('/vpc3')).priority).not.toBe(first);
  });

  test('an explicit priority wins', () => {
    expect(resolveRoute(route('/a', { priority: 7 })).priority).toBe(7);
  });
});

describe('invalid routes fail with a message naming the route', () => {
  test.each([
    ['', /empty path/],
    ['vpc2', /Route 'vpc2': path must start with '\/', e.g. '\/vpc2'/],
    ['/a b', /Route '\/a b': path contains characters an ALB path pattern rejects/],
    ['/a#b', /Route '\/a#b': path contains characters/],
    [`/${'x'.repeat(130)}`, /is 131 characters long; ALB allows at most 128/],
  ])('path %j', (path, message) => {
    expect(() => resolveRoute(route(path))).toThrow(message);
  });

  test.each([
    ['/a//b', /Route '\/a\/\/b': path has an empty segment \('\/\/'\), most likely a typo/],
    ['/a/./b', /Route '\/a\/.\/b': path has a '.' segment, which browsers and curl remove/],
    ['/..', /Route '\/..': path has a '..' segment/],
    ['/a*b*c*d*e*f*', /Route '\/a\*b\*c\*d\*e\*f\*': the rule would have 6 wildcards; ALB allows at most 5 per rule/],
  ])('path %j', (path, message) => {
    expect(() => resolveRoute(route(path))).toThrow(message);
  });

  test('five wildcards are allowed', () => {
    expect(resolveRoute(route('/a*b*c*d*e*')).pathPatterns).toEqual(['/a*b*c*d*e*']);
  });

  test('a port or priority that is a token or a string is rejected with its type', () => {
    expect(() => resolveRoute(route('/a', { port: Token.asNumber({ Ref: 'Port' }) })))
      .toThrow(/Route '\/a': port must be known at synth time, not a token/);
    expect(() => resolveRoute(route('/a', { priority: Token.asNumber({ Ref: 'Priority' }) })))
      .toThrow(/Route '\/a': priority must be known at synth time, not a token/);
    expect(() => resolveRoute(route('/a', { port: '8080' as unknown as number })))
      .toThrow(/Route '\/a': port must be a number, got string "8080"/);
  });

  test.each([0, -1, 65536, 80.5])('port %p', (port) => {
    expect(() => resolveRoute(route('/a', { port }))).toThrow(/Route '\/a': port must be an integer from 1 to 65535/);
  });

  test.each([0, 50001, 1.5])('priority %p', (priority) => {
    expect(() => resolveRoute(route('/a', { priority }))).toThrow(/Route '\/a': priority must be an integer from 1 to 50000/);
  });

  test('an instance listed twice', () => {
    expect(() => resolveRoute(route('/a', { instances: [instances[0], instances[0]] })))
      .toThrow(/Route '\/a': instance 'Test\/ProducerInstance0' is listed twice/);
  });

  test('no instances', () => {
    expect(() => resolveRoute(route('/a', { instances: [] }))).toThrow(/Route '\/a': instances is empty/);
  });
});

describe('route sets', () => {
  const resolve = (...routes: PrivateLinkRouteOptions[]) => routes.map(resolveRoute);

  test('distinct prefix routes pass', () => {
    expect(() => validateRouteSet(resolve(route('/a'), route('/b'), route('/a/b'), route('/')))).not.toThrow();
  });

  test('/a and /a/ are the same route', () => {
    expect(() => validateRouteSet(resolve(route('/a'), route('/a/', { id: 'other' }))))
      .toThrow(/Routes '\/a' and '\/a\/' match the same paths \(\/a, \/a\/\*\)/);
  });

  test('two routes with one priority', () => {
    expect(() => validateRouteSet(resolve(route('/a', { priority: 5 }), route('/b', { priority: 5 }))))
      .toThrow(/Routes '\/a' and '\/b' both have listener-rule priority 5; set an explicit 'priority'/);
  });

  test('a broader route evaluated first would shadow a deeper one', () => {
    expect(() => validateRouteSet(resolve(route('/api', { priority: 1 }), route('/api/v2', { priority: 2 }))))
      .toThrow(/Route '\/api\/v2' \(priority 2\) would never match: route '\/api' \(priority 1\) matches all its paths first/);
    expect(() => validateRouteSet(resolve(route('/api*', { priority: 1 }), route('/api/v2'))))
      .toThrow(/Route '\/api\/v2' .* would never match: route '\/api\*'/);
  });

  test('/** is /*: the same route, and as broad', () => {
    expect(resolveRoute(route('/**')).pathPatterns).toEqual(['/*']);
    expect(() => validateRouteSet(resolve(route('/*'), route('/**'))))
      .toThrow(/Routes '\/\*' and '\/\*\*' match the same paths/);
    expect(() => validateRouteSet(resolve(route('/**', { priority: 1 }), route('/api'))))
      .toThrow(/Route '\/api' .* would never match: route '\/\*\*' \(priority 1\)/);
  });

  test('a ? pattern shadows nothing', () => {
    expect(() => validateRouteSet(resolve(route('/api?', { priority: 1 }), route('/api/v2', { priority: 2 })))).not.toThrow();
  });

  test('derived priorities never shadow: /api and /api* and /', () => {
    expect(() => validateRouteSet(resolve(route('/api*'), route('/api'), route('/api/v2'), route('/')))).not.toThrow();
  });
});

test('a VPC without private or isolated subnets is rejected where the construct needs them', () => {
  const { privateSubnetsOf } = jest.requireActual('../src/private-subnets');
  const publicOnly = new ec2.Vpc(stack, 'PublicOnly', {
    maxAzs: 1,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  expect(() => privateSubnetsOf(publicOnly, 'Route \'/a\'')).toThrow(/Route '\/a': VPC 'Test\/PublicOnly' has no private or isolated subnets/);
});
