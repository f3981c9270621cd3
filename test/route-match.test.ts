import { Token } from 'aws-cdk-lib';
import { ListenerRoute, patternCovers, resolveRoute, RouteRequest, routeIdOf, validateRouteAmong } from '../src/private/route-match';

/** Routes are checked as the routes of one router, `Test/Router/r0`, `r1`... */
const route = (path: string, extra: Partial<RouteRequest> = {}): RouteRequest => ({ path, ...extra });
const resolve = (request: RouteRequest) => resolveRoute('Test/Router/r', request);

/** Adds the routes to one listener in order, as the route constructs do. */
function validateSet(...requests: RouteRequest[]): void {
  const added: ListenerRoute[] = [];
  requests.forEach((request, index) => {
    const where = `Test/Router/r${index}`;
    const match = resolveRoute(where, request);
    validateRouteAmong(where, match, added);
    added.push({ match, constructPath: where });
  });
}

describe('path patterns', () => {
  test('route path /a matches /a and /a/*', () => {
    expect(resolve(route('/a')).pathPatterns).toEqual(['/a', '/a/*']);
  });

  test('a trailing slash is dropped: /a/ matches /a and /a/*', () => {
    expect(resolve(route('/a/')).pathPatterns).toEqual(['/a', '/a/*']);
  });

  test('route path / matches every path', () => {
    expect(resolve(route('/')).pathPatterns).toEqual(['/*']);
  });

  test('a path with * or ? is an ALB pattern used verbatim', () => {
    expect(resolve(route('/img/*.png')).pathPatterns).toEqual(['/img/*.png']);
    expect(resolve(route('/v?/api')).pathPatterns).toEqual(['/v?/api']);
  });
});

describe('defaults', () => {
  test('the construct ID derives from the path', () => {
    expect(routeIdOf({ path: '/vpc2' })).toBe('vpc2');
    expect(routeIdOf({ path: '/api/v2/' })).toBe('api-v2');
    expect(routeIdOf({ path: '/' })).toBe('root');
    expect(routeIdOf({})).toBe('root');
  });
});

describe('derived priorities', () => {
  test('a deeper path is evaluated before a shallower one', () => {
    const shallow = resolve(route('/api')).priority;
    const deep = resolve(route('/api/v2')).priority;
    const deeper = resolve(route('/api/v2/users')).priority;
    expect(deep).toBeLessThan(shallow);
    expect(deeper).toBeLessThan(deep);
    expect(resolve(route('/api/v2/*')).priority).toBeLessThan(resolve(route('/api/*')).priority);
  });

  test('a prefix route is evaluated before a wildcard that reaches less deep, and after one that reaches deeper', () => {
    const prefix = resolve(route('/api')).priority;
    expect(prefix).toBeLessThan(resolve(route('/api*')).priority);
    expect(resolve(route('/api/x*')).priority).toBeLessThan(prefix);
  });

  test('a catch-all / is evaluated after every other route', () => {
    const root = resolve(route('/')).priority;
    for (const path of ['/a', '/zzz', '/a/b', '/x/y/z/w', '/a*', '/b?']) {
      expect(resolve(route(path)).priority).toBeLessThan(root);
    }
  });

  test('a priority depends on its own path only and lies in ALB range', () => {
    const first = resolve(route('/vpc2')).priority;
    expect(resolve(route('/vpc2')).priority).toBe(first);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(50000);
    expect(resolve(route('/vpc3')).priority).not.toBe(first);
  });

  test('an explicit priority wins', () => {
    expect(resolve(route('/a', { priority: 7 })).priority).toBe(7);
  });

  test.each(['/api/*.json', '/api/?', '/api/*/users'])('%p is evaluated before /api/*, which covers it, and so passes the shadowing check', (narrower) => {
    expect(resolve(route(narrower)).priority).toBeLessThan(resolve(route('/api/*')).priority);
    expect(() => validateSet(route('/api/*'), route(narrower))).not.toThrow();
  });
});

describe('invalid routes fail with a message naming the route and the prop', () => {
  test.each([
    ['', /^Test\/Router\/r: path: is empty; use '\/' to route every request/],
    ['vpc2', /^Test\/Router\/r: path: 'vpc2' must start with '\/', e.g. '\/vpc2'/],
    ['/a b', /^Test\/Router\/r: path: '\/a b' contains characters an ALB path pattern rejects/],
    ['/a#b', /path: '\/a#b' contains characters/],
    [`/${'x'.repeat(130)}`, /path: pattern '\/x+' is 131 characters long; ALB allows at most 128/],
  ])('path %j', (path, message) => {
    expect(() => resolve(route(path))).toThrow(message);
  });

  test.each([
    ['/a//b', /^Test\/Router\/r: path: '\/a\/\/b' has an empty segment \('\/\/'\), most likely a typo/],
    ['/a/./b', /path: '\/a\/.\/b' has a '.' segment, which browsers and curl remove/],
    ['/..', /path: '\/..' has a '..' segment/],
    ['/a*b*c*d*e*f*', /^Test\/Router\/r: path: the rule would have 6 wildcards in its hosts and path; ALB allows at most 5 per rule/],
  ])('path %j', (path, message) => {
    expect(() => resolve(route(path))).toThrow(message);
  });

  test('a path that is a token', () => {
    expect(() => resolve(route(Token.asString({ Ref: 'Path' }))))
      .toThrow(/^Test\/Router\/r: path: must be a literal string, not a token, because routing is decided at synth time/);
  });

  test('five wildcards are allowed', () => {
    expect(resolve(route('/a*b*c*d*e*')).pathPatterns).toEqual(['/a*b*c*d*e*']);
  });

  test('a priority that is a token or a string is rejected with its type', () => {
    expect(() => resolve(route('/a', { priority: Token.asNumber({ Ref: 'Priority' }) })))
      .toThrow(/^Test\/Router\/r: priority: must be known at synth time, not a token/);
    expect(() => resolve(route('/a', { priority: '7' as unknown as number })))
      .toThrow(/^Test\/Router\/r: priority: must be a number, got string "7"/);
  });

  test.each([0, 50001, 1.5])('priority %p', (priority) => {
    expect(() => resolve(route('/a', { priority }))).toThrow(/^Test\/Router\/r: priority: must be an integer from 1 to 50000/);
  });
});

describe('route sets', () => {

  test('distinct prefix routes pass', () => {
    expect(() => validateSet(route('/a'), route('/b'), route('/a/b'), route('/'))).not.toThrow();
  });

  test('/a and /a/ are the same route', () => {
    expect(() => validateSet(route('/a'), route('/a/')))
      .toThrow(/^Test\/Router\/r1: path: route '\/a\/' matches the same requests as route '\/a' \(Test\/Router\/r0\); remove one of them/);
  });

  test('two routes with one priority', () => {
    expect(() => validateSet(route('/a', { priority: 5 }), route('/b', { priority: 5 })))
      .toThrow(/^Test\/Router\/r1: priority: route '\/b' asks for listener-rule priority 5, which route '\/a' \(Test\/Router\/r0\) already has on the same listener/);
  });

  test('a broader route evaluated first would shadow a deeper one', () => {
    expect(() => validateSet(route('/api', { priority: 1 }), route('/api/v2', { priority: 2 })))
      .toThrow(/^Test\/Router\/r1: priority: route '\/api\/v2' \(priority 2\) would never match: route '\/api' \(priority 1\) matches all its requests first/);
    expect(() => validateSet(route('/api*', { priority: 1 }), route('/api/v2')))
      .toThrow(/route '\/api\/v2' .* would never match: route '\/api\*'/);
  });

  test('a broader route added after the one it shadows is rejected too, naming the one it shadows', () => {
    expect(() => validateSet(route('/api/v2', { priority: 2 }), route('/api', { priority: 1 })))
      .toThrow(/^Test\/Router\/r1: priority: route '\/api\/v2' \(priority 2\) would never match: route '\/api' \(priority 1\)/);
  });

  test('/** is /*: the same route, and as broad', () => {
    expect(resolve(route('/**')).pathPatterns).toEqual(['/*']);
    expect(() => validateSet(route('/*'), route('/**')))
      .toThrow(/route '\/\*\*' matches the same requests as route '\/\*'/);
    expect(() => validateSet(route('/**', { priority: 1 }), route('/api')))
      .toThrow(/route '\/api' .* would never match: route '\/\*\*' \(priority 1\)/);
  });

  test('a ? pattern shadows nothing', () => {
    expect(() => validateSet(route('/api?', { priority: 1 }), route('/api/v2', { priority: 2 }))).not.toThrow();
  });

  test('derived priorities never shadow: /api and /api* and /', () => {
    expect(() => validateSet(route('/api*'), route('/api'), route('/api/v2'), route('/'))).not.toThrow();
  });
});

describe('hosts', () => {

  test('hosts are matched in lower case, and a host-only route has no path condition', () => {
    const resolved = resolve(route('/', { hosts: ['API.Example.com', '*.api.example.com'] }));
    expect(resolved.hosts).toEqual(['api.example.com', '*.api.example.com']);
    expect(resolved.pathPatterns).toEqual([]);
    expect(resolve({ hosts: ['a.example.com'] }).pathPatterns).toEqual([]);
    expect(resolve(route('/v2', { hosts: ['a.example.com'] })).pathPatterns).toEqual(['/v2', '/v2/*']);
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
    expect(resolve(exact).priority).toBeLessThan(resolve(wildcard).priority);
    expect(() => validateSet(wildcard, exact)).not.toThrow();
  });

  test.each([
    ['an empty list', [], /^Test\/Router\/r: hosts: is empty; leave it out to match any host/],
    ['a scheme or port', ['https://a.example.com'], /hosts: 'https:\/\/a.example.com' contains characters an ALB host condition rejects/],
    ['a host over 128 characters', [`${'a'.repeat(125)}.com`], /is 129 characters long; ALB allows at most 128/],
    ['a host twice in different case', ['a.example.com', 'A.example.com'], /hosts: 'A.example.com' is listed twice; host names match case-insensitively/],
    ['a token', [Token.asString({ Ref: 'Host' })], /hosts: must be literal strings, not tokens/],
  ])('%s is rejected', (_what, hosts, message) => {
    expect(() => resolve(route('/', { hosts }))).toThrow(message);
  });

  test('hosts and path patterns together may have 5 condition values and 5 wildcards', () => {
    expect(() => resolve(route('/a', { hosts: ['a.example.com', 'b.example.com', 'c.example.com'] }))).not.toThrow();
    expect(() => resolve(route('/a', { hosts: ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com'] })))
      .toThrow(/^Test\/Router\/r: hosts: the rule would have 6 condition values \(4 hosts, 2 path patterns\); ALB allows at most 5/);
    expect(() => resolve(route('/a*/b*/c*/d*', { hosts: ['*.a.example.com', '*.b.example.com'] })))
      .toThrow(/path: the rule would have 6 wildcards in its hosts and path; ALB allows at most 5 per rule/);
  });

  test('routes with hosts are evaluated before every route without, deeper paths first among them', () => {
    const hostOnly = resolve(route('/', { hosts: ['a.example.com'] })).priority;
    const hostAndPath = resolve(route('/api', { hosts: ['a.example.com'] })).priority;
    const deepPathOnly = resolve(route('/a/b/c/d/e/f/g/h')).priority;
    expect(hostAndPath).toBeLessThan(hostOnly);
    expect(hostOnly).toBeLessThan(deepPathOnly);
  });

  test('the same hosts in another order or case, with the same path, are the same route', () => {
    expect(() => validateSet(route('/a', { hosts: ['a.example.com', 'b.example.com'] }), route('/a/', { hosts: ['B.example.com', 'a.example.com'] })))
      .toThrow(/route 'B.example.com,a.example.com\/a\/' matches the same requests as route 'a.example.com,b.example.com\/a'/);
  });

  test('a route for any host, or for a covering wildcard host, evaluated first shadows a host route', () => {
    expect(() => validateSet(route('/api', { priority: 1 }), route('/api/x', { hosts: ['a.example.com'], priority: 2 })))
      .toThrow(/^Test\/Router\/r1: priority: route 'a.example.com\/api\/x' \(priority 2\) would never match: route '\/api' \(priority 1\)/);
    expect(() => validateSet(route('/', { hosts: ['*.example.com'], priority: 1 }), route('/', { hosts: ['api.example.com'], priority: 2 })))
      .toThrow(/route 'api.example.com\/' \(priority 2\) would never match: route '\*.example.com\/'/);
  });

  test('a host route shadows neither other hosts nor routes for any host', () => {
    expect(() => validateSet(
      route('/', { hosts: ['a.example.com'], priority: 1 }),
      route('/', { hosts: ['b.example.com'], priority: 2 }),
      route('/api', { priority: 3 }),
    )).not.toThrow();
  });
});

describe('stripPathPrefix', () => {
  const rewrite = (path: string, url: string) => {
    const { urlRewrite } = resolve(route(path, { stripPathPrefix: true }));
    return url.replace(new RegExp(urlRewrite!.regex), urlRewrite!.replace);
  };

  test('removes the prefix and keeps the rest of the URL, query included', () => {
    expect(resolve(route('/api', { stripPathPrefix: true })).urlRewrite).toEqual({ regex: '^/api/?(.*)$', replace: '/$1' });
    expect(rewrite('/api', '/api/users?page=2')).toBe('/users?page=2');
    expect(rewrite('/api/', '/api')).toBe('/');
    expect(rewrite('/api', '/api/')).toBe('/');
    expect(rewrite('/api', '/api?x=1')).toBe('/?x=1');
  });

  test('escapes the path characters that are special in a regular expression', () => {
    expect(resolve(route('/v1.2+$', { stripPathPrefix: true })).urlRewrite!.regex).toBe('^/v1\\.2\\+\\$/?(.*)$');
    expect(rewrite('/v1.2', '/v1x2/a')).toBe('/v1x2/a');
  });

  test('is off by default', () => {
    expect(resolve(route('/api')).urlRewrite).toBeUndefined();
  });

  test.each(['/', '/api*', '/v?/x'])('is rejected for %p, which has no plain prefix', (path) => {
    expect(() => resolve(route(path, { stripPathPrefix: true })))
      .toThrow(/^Test\/Router\/r: stripPathPrefix: needs a plain prefix path other than '\/'/);
  });
});

describe('shadowing: a route evaluated first that matches all of another route\'s requests', () => {
  const host = (hosts: string[], path?: string, priority?: number): RouteRequest => ({ hosts, path, priority });
  const path = (p: string, priority?: number): RouteRequest => ({ path: p, priority });

  /** [first route (evaluated first), second route, whether the second can never match]. */
  test.each<[string, RouteRequest, RouteRequest, boolean]>([
    ['/api before /api/x', path('/api', 1), path('/api/x', 2), true],
    ['/api* before /api/x', path('/api*', 1), path('/api/x', 2), true],
    ['/api* before /apix', path('/api*', 1), path('/apix', 2), true],
    ['/api before /apix', path('/api', 1), path('/apix', 2), false],
    ['/api/* before /api (which also matches /api itself)', path('/api/*', 1), path('/api', 2), false],
    ['/* before any path', path('/*', 1), path('/a/b/c', 2), true],
    ['/ before a pattern', path('/', 1), path('/img/*.png', 2), true],
    ['/img/*.png before /img/a*.png', path('/img/*.png', 1), path('/img/a*.png', 2), true],
    ['/img/a*.png before /img/*.png', path('/img/a*.png', 1), path('/img/*.png', 2), false],
    ['/v?/api before /v1/api (which also matches /v1/api/x)', path('/v?/api', 1), path('/v1/api', 2), false],
    ['/v?/api* before /v1/api', path('/v?/api*', 1), path('/v1/api', 2), true],
    ['/v?/api before /v10/api', path('/v?/api', 1), path('/v10/api', 2), false],
    ['/v?/api before /v*/api', path('/v?/api', 1), path('/v*/api', 2), false],
    ['/v*/api before /v?/api', path('/v*/api', 1), path('/v?/api', 2), true],
    ['/api? before /api/v2', path('/api?', 1), path('/api/v2', 2), false],
    ['/API before /api/x (paths are case-sensitive)', path('/API', 1), path('/api/x', 2), false],
    ['a path route before a host route on a deeper path', path('/api', 1), host(['a.example.com'], '/api/x', 2), true],
    ['a path route before a hosts-only route', path('/api', 1), host(['a.example.com'], undefined, 2), false],
    ['a catch-all path route before a hosts-only route', path('/', 1), host(['a.example.com'], undefined, 2), true],
    ['a host route before a path route for any host', host(['a.example.com'], '/', 1), path('/api', 2), false],
    ['*.example.com before a.example.com', host(['*.example.com'], undefined, 1), host(['a.example.com'], undefined, 2), true],
    ['*.example.com before A.Example.com (hosts are case-insensitive)', host(['*.example.com'], undefined, 1), host(['A.Example.com'], undefined, 2), true],
    ['*.example.com before *.a.example.com', host(['*.example.com'], undefined, 1), host(['*.a.example.com'], undefined, 2), true],
    ['*.a.example.com before *.example.com', host(['*.a.example.com'], undefined, 1), host(['*.example.com'], undefined, 2), false],
    ['*.example.com before example.com', host(['*.example.com'], undefined, 1), host(['example.com'], undefined, 2), false],
    ['?.example.com before a.example.com', host(['?.example.com'], undefined, 1), host(['a.example.com'], undefined, 2), true],
    ['?.example.com before ab.example.com', host(['?.example.com'], undefined, 1), host(['ab.example.com'], undefined, 2), false],
    ['a.example.com before b.example.com', host(['a.example.com'], undefined, 1), host(['b.example.com'], undefined, 2), false],
    ['*.example.com before hosts of which only some it covers', host(['*.example.com'], undefined, 1), host(['a.example.com', 'b.other.com'], undefined, 2), false],
    ['two hosts covering both of a route\'s hosts', host(['*.example.com', '*.other.com'], undefined, 1), host(['a.example.com', 'b.other.com'], undefined, 2), true],
    ['a hosts-only route before the same host on a path', host(['a.example.com'], undefined, 1), host(['a.example.com'], '/api', 2), true],
    ['a host on a path before the host alone', host(['a.example.com'], '/api', 1), host(['a.example.com'], undefined, 2), false],
    ['*.example.com/api before a.example.com/api/x', host(['*.example.com'], '/api', 1), host(['a.example.com'], '/api/x', 2), true],
    ['*.example.com/api before a.example.com/other', host(['*.example.com'], '/api', 1), host(['a.example.com'], '/other', 2), false],
  ])('%s: shadowed %p', (_what, first, second, shadowed) => {
    const attempt = () => validateSet(first, second);
    if (shadowed) {
      expect(attempt).toThrow(/^Test\/Router\/r1: priority: route '.*' \(priority 2\) would never match: route '.*' \(priority 1\) matches all its requests first/);
    } else {
      expect(attempt).not.toThrow();
    }
  });

  test('the error names both routes, whichever was added first', () => {
    expect(() => validateSet(host(['a.example.com'], undefined, 2), host(['*.example.com'], undefined, 1)))
      .toThrow(/^Test\/Router\/r1: priority: route 'a.example.com\/' \(priority 2\) would never match: route '\*.example.com\/' \(priority 1\)/);
  });

  test('with derived priorities, a wildcard host covering another wildcard host is reported when the hash puts it first', () => {
    const [a, b] = [resolve(host(['*.example.com'])), resolve(host(['*.a.example.com']))];
    const shadowed = a.priority < b.priority;
    const attempt = () => validateSet(host(['*.example.com']), host(['*.a.example.com']));
    if (shadowed) expect(attempt).toThrow(/would never match/); else expect(attempt).not.toThrow();
  });

  test.each([
    ['*.example.com', 'a.example.com'], ['/api*', '/api/x'], ['/a/*', '/a/b/*'], ['/v?', '/v1'], ['*', '?'], ['a*b', 'a*b*b'],
  ])('%p covers %p', (broad, narrow) => {
    expect(patternCovers(broad, narrow)).toBe(true);
  });

  test.each([
    ['a.example.com', '*.example.com'], ['/api/x', '/api*'], ['/v?', '/v*'], ['?', '*'], ['/a', '/b'], ['a*b', 'a*c'],
  ])('%p does not cover %p', (broad, narrow) => {
    expect(patternCovers(broad, narrow)).toBe(false);
  });
});
