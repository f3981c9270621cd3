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

function resolve(...routes: PrivateLinkRouteOptions[]) {
  return routes.map(resolveRoute);
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
    expect(routeIdOf({ path: '/vpc2' })).toBe('vpc2');
    expect(routeIdOf({ path: '/api/v2/' })).toBe('api-v2');
    expect(routeIdOf({ path: '/' })).toBe('root');
    expect(routeIdOf({})).toBe('root');
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

  test.each(['/api/*.json', '/api/?', '/api/*/users'])('%p is evaluated before /api/*, which covers it, and so passes the shadowing check', (narrower) => {
    expect(resolveRoute(route(narrower)).priority).toBeLessThan(resolveRoute(route('/api/*')).priority);
    expect(() => validateRouteSet(resolve(route('/api/*'), route(narrower)))).not.toThrow();
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
    expect(() => resolveRoute(route('/a', { instances: [] }))).toThrow(/Route '\/a': no targets; give at least one instance/);
  });
});

describe('route sets', () => {

  test('distinct prefix routes pass', () => {
    expect(() => validateRouteSet(resolve(route('/a'), route('/b'), route('/a/b'), route('/')))).not.toThrow();
  });

  test('/a and /a/ are the same route', () => {
    expect(() => validateRouteSet(resolve(route('/a'), route('/a/', { id: 'other' }))))
      .toThrow(/Routes '\/a' and '\/a\/' match the same requests/);
  });

  test('two routes with one priority', () => {
    expect(() => validateRouteSet(resolve(route('/a', { priority: 5 }), route('/b', { priority: 5 }))))
      .toThrow(/Routes '\/a' and '\/b' both have listener-rule priority 5; set an explicit 'priority'/);
  });

  test('a broader route evaluated first would shadow a deeper one', () => {
    expect(() => validateRouteSet(resolve(route('/api', { priority: 1 }), route('/api/v2', { priority: 2 }))))
      .toThrow(/Route '\/api\/v2' \(priority 2\) would never match: route '\/api' \(priority 1\) matches all its requests first/);
    expect(() => validateRouteSet(resolve(route('/api*', { priority: 1 }), route('/api/v2'))))
      .toThrow(/Route '\/api\/v2' .* would never match: route '\/api\*'/);
  });

  test('/** is /*: the same route, and as broad', () => {
    expect(resolveRoute(route('/**')).pathPatterns).toEqual(['/*']);
    expect(() => validateRouteSet(resolve(route('/*'), route('/**'))))
      .toThrow(/Routes '\/\*' and '\/\*\*' match the same requests/);
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

describe('hosts', () => {

  test('hosts are matched in lower case, and a host-only route has no path condition', () => {
    const resolved = resolveRoute(route('/', { hosts: ['API.Example.com', '*.api.example.com'] }));
    expect(resolved.hosts).toEqual(['api.example.com', '*.api.example.com']);
    expect(resolved.pathPatterns).toEqual([]);
    expect(resolveRoute({ hosts: ['a.example.com'], producerVpc: vpc, instances }).pathPatterns).toEqual([]);
    expect(resolveRoute(route('/v2', { hosts: ['a.example.com'] })).pathPatterns).toEqual(['/v2', '/v2/*']);
  });

  test('the construct ID starts with the first host', () => {
    expect(routeIdOf({ hosts: ['api.example.com'] })).toBe('api.example.com');
    expect(routeIdOf({ hosts: ['api.example.com', 'b.example.com'], path: '/v2' })).toBe('api.example.com-v2');
  });

  test('the construct ID does not change when hosts are reordered or recased', () => {
    expect(routeIdOf({ hosts: ['b.example.com', 'API.example.com'], path: '/v2' })).toBe('api.example.com-v2');
  });

  test('an exact host is evaluated before a wildcard host that covers it, and so passes the shadowing check', () => {
    const exact = route('/', { hosts: ['api.example.com'] });
    const wildcard = route('/', { hosts: ['*.example.com'] });
    expect(resolveRoute(exact).priority).toBeLessThan(resolveRoute(wildcard).priority);
    expect(() => validateRouteSet(resolve(wildcard, exact))).not.toThrow();
  });

  test.each([
    ['an empty list', [], /Route '\/': hosts is empty; leave it out to match any host/],
    ['a scheme or port', ['https://a.example.com'], /host 'https:\/\/a.example.com' contains characters an ALB host condition rejects/],
    ['a host over 128 characters', [`${'a'.repeat(125)}.com`], /is 129 characters long; ALB allows at most 128/],
    ['a host twice in different case', ['a.example.com', 'A.example.com'], /host 'A.example.com' is listed twice; host names match case-insensitively/],
    ['a token', [Token.asString({ Ref: 'Host' })], /host must be a literal string, not a token/],
  ])('%s is rejected', (_what, hosts, message) => {
    expect(() => resolveRoute(route('/', { hosts }))).toThrow(message);
  });

  test('hosts and path patterns together may have 5 condition values and 5 wildcards', () => {
    expect(() => resolveRoute(route('/a', { hosts: ['a.example.com', 'b.example.com', 'c.example.com'] }))).not.toThrow();
    expect(() => resolveRoute(route('/a', { hosts: ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com'] })))
      .toThrow(/Route 'a.example.com,b.example.com,c.example.com,d.example.com\/a': the rule would have 6 condition values \(4 hosts, 2 path patterns\); ALB allows at most 5/);
    expect(() => resolveRoute(route('/a*/b*/c*/d*', { hosts: ['*.a.example.com', '*.b.example.com'] })))
      .toThrow(/the rule would have 6 wildcards; ALB allows at most 5 per rule/);
  });

  test('routes with hosts are evaluated before every route without, deeper paths first among them', () => {
    const hostOnly = resolveRoute(route('/', { hosts: ['a.example.com'] })).priority;
    const hostAndPath = resolveRoute(route('/api', { hosts: ['a.example.com'] })).priority;
    const deepPathOnly = resolveRoute(route('/a/b/c/d/e/f/g/h')).priority;
    expect(hostAndPath).toBeLessThan(hostOnly);
    expect(hostOnly).toBeLessThan(deepPathOnly);
  });

  test('the same hosts in another order or case, with the same path, are the same route', () => {
    expect(() => validateRouteSet(resolve(route('/a', { hosts: ['a.example.com', 'b.example.com'] }), route('/a/', { hosts: ['B.example.com', 'a.example.com'] }))))
      .toThrow(/Routes 'a.example.com,b.example.com\/a' and 'B.example.com,a.example.com\/a\/' match the same requests/);
  });

  test('a route for any host, or for a covering wildcard host, evaluated first shadows a host route', () => {
    expect(() => validateRouteSet(resolve(route('/api', { priority: 1 }), route('/api/x', { hosts: ['a.example.com'], priority: 2 }))))
      .toThrow(/Route 'a.example.com\/api\/x' \(priority 2\) would never match: route '\/api' \(priority 1\)/);
    expect(() => validateRouteSet(resolve(route('/', { hosts: ['*.example.com'], priority: 1 }), route('/', { hosts: ['api.example.com'], priority: 2 }))))
      .toThrow(/Route 'api.example.com\/' \(priority 2\) would never match: route '\*.example.com\/'/);
  });

  test('a host route shadows neither other hosts nor routes for any host', () => {
    expect(() => validateRouteSet(resolve(
      route('/', { hosts: ['a.example.com'], priority: 1 }),
      route('/', { hosts: ['b.example.com'], priority: 2 }),
      route('/api', { priority: 3 }),
    ))).not.toThrow();
  });
});

describe('stripPathPrefix', () => {
  const rewrite = (path: string, url: string) => {
    const { urlRewrite } = resolveRoute(route(path, { stripPathPrefix: true }));
    return url.replace(new RegExp(urlRewrite!.regex), urlRewrite!.replace);
  };

  test('removes the prefix and keeps the rest of the URL, query included', () => {
    expect(resolveRoute(route('/api', { stripPathPrefix: true })).urlRewrite).toEqual({ regex: '^/api/?(.*)$', replace: '/$1' });
    expect(rewrite('/api', '/api/users?page=2')).toBe('/users?page=2');
    expect(rewrite('/api/', '/api')).toBe('/');
    expect(rewrite('/api', '/api/')).toBe('/');
    expect(rewrite('/api', '/api?x=1')).toBe('/?x=1');
  });

  test('escapes the path characters that are special in a regular expression', () => {
    expect(resolveRoute(route('/v1.2+$', { stripPathPrefix: true })).urlRewrite!.regex).toBe('^/v1\\.2\\+\\$/?(.*)$');
    expect(rewrite('/v1.2', '/v1x2/a')).toBe('/v1x2/a');
  });

  test('is off by default', () => {
    expect(resolveRoute(route('/api')).urlRewrite).toBeUndefined();
  });

  test.each(['/', '/api*', '/v?/x'])('is rejected for %p, which has no plain prefix', (path) => {
    expect(() => resolveRoute(route(path, { stripPathPrefix: true })))
      .toThrow(/stripPathPrefix needs a plain prefix path other than '\/'/);
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
