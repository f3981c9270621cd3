import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { format } from 'util';
import * as vm from 'vm';
import { pageOf } from '../../integ/web-server';

/*
 * Runs the assertion Lambda of @aws-cdk/integ-tests-alpha (its own bundle, the code the deployed
 * function runs) on every `expected` value in the integ snapshots, against the answers the real
 * servers give: a snapshot whose assertions could never pass, or would pass for the wrong server,
 * fails here instead of after a 15-minute deployment. HTTP calls go to a local server that plays
 * the ALB; `Lambda.invoke` runs the snapshot's own function code through a fake Lambda client.
 */

const INTEG_DIR = path.join(__dirname, '..', '..', 'integ');
/** Stands for the router's DNS name (an import) in resolved URLs until the local server's address replaces it. */
const ALB_DNS = 'alb-dns-name.invalid';
const INSTANCE_ID = 'i-0123456789abcdef0';
/** The front-door test's name for the router with its placeholder zone: HTTPS there, played over HTTP here. */
const FRONT_DOOR_URL = 'https://alb-privatelink-router-integ.example.com';
/** The same name on the HTTP listener, which redirects. */
const FRONT_DOOR_HTTP_URL = 'http://alb-privatelink-router-integ.example.com';

/** One answer of the URL an assertion calls, as the server or the ALB sends it. */
interface Answer {
  /** Who answers, for test names. */
  readonly from: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Other headers, by lower-case name. */
  readonly headers?: Record<string, string>;
}

/** The answers a URL gives to successive requests (the NLB spreads them over the servers). */
type Scenario = readonly Answer[];

/** What an assertion must accept (`pass`) and reject (`fail`). */
interface Expectation {
  readonly pass: readonly Scenario[];
  readonly fail: readonly Scenario[];
}

/** A WebServer's page: `echo "$PAGE"` adds the newline. */
function page(section: string, serverName: string): Answer {
  return { from: serverName, status: 200, contentType: 'text/html', body: `${pageOf(section, serverName, INSTANCE_ID)}\n` };
}

/** Python's http.server for a path it has no file for: send_error's page, as AL2023's Python 3.9 writes it. */
function noSuchFile(serverName: string): Answer {
  const body = [
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN"',
    '        "http://www.w3.org/TR/html4/strict.dtd">',
    '<html>',
    '    <head>',
    '        <meta http-equiv="Content-Type" content="text/html;charset=utf-8">',
    '        <title>Error response</title>',
    '    </head>',
    '    <body>',
    '        <h1>Error response</h1>',
    '        <p>Error code: 404</p>',
    '        <p>Message: File not found.</p>',
    '        <p>Error code explanation: 404 - Nothing matches the given URI.</p>',
    '    </body>',
    '</html>',
    '',
  ].join('\n');
  return { from: `${serverName} without the file (404)`, status: 404, contentType: 'text/html;charset=utf-8', body };
}

/** The listener's default action (src/alb-privatelink-router.ts) for a path no rule matches. */
const ROUTER_404: Answer = { from: 'the router without a matching rule (404)', status: 404, contentType: 'text/plain', body: 'No route matches this path.' };

/** The ALB's answer to a request without a session on a route that denies those (`UnauthenticatedAction.DENY`). */
const ALB_401: Answer = {
  from: 'the ALB without a session (401)',
  status: 401,
  contentType: 'text/html',
  body: '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n</body>\r\n</html>\r\n',
};

/** The redirect of the front door's HTTP listener (`ListenerAction.redirect`: HTTPS, port 443, 301), `where` the Location. */
function redirect(status: number, location: string): Answer {
  const title = status === 301 ? '301 Moved Permanently' : `${status} Moved Temporarily`;
  return {
    from: `the ALB redirecting to ${location} (${status})`,
    status,
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    headers: { location },
  };
}

/** The ALB's answer for a request its WAF web ACL blocks. */
const WAF_403: Answer = {
  from: 'the web ACL (403)',
  status: 403,
  contentType: 'text/html',
  body: '<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n',
};

/** The ALB's own page when no target is healthy or a target fails. */
const ALB_502: Answer = {
  from: 'the ALB (502)',
  status: 502,
  contentType: 'text/html',
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
};

/** `GET /<vpc>/` of the three-VPC example: either of the VPC's two servers. */
function vpcPath(vpc: string, otherVpc: string): Expectation {
  return {
    pass: [[page(vpc, `web-${vpc}-a`)], [page(vpc, `web-${vpc}-b`)]],
    fail: [[ALB_502], [page(otherVpc, `web-${otherVpc}-a`)], [page(otherVpc, `web-${otherVpc}-b`)], [ROUTER_404]],
  };
}

/** The prober invoked on `/<vpc>/`: both of the VPC's servers must answer in 30 requests. */
function proberOn(vpc: string, otherVpc: string): Expectation {
  const [a, b] = [page(vpc, `web-${vpc}-a`), page(vpc, `web-${vpc}-b`)];
  const [otherA, otherB] = [page(otherVpc, `web-${otherVpc}-a`), page(otherVpc, `web-${otherVpc}-b`)];
  return {
    pass: [[a, b], [a, ALB_502, b]],
    fail: [[a], [b, ALB_502], [ALB_502], [otherA, otherB], [a, b, otherA]],
  };
}

const DOCS_PAGE = page('docs', 'docs-server');
const ORDERS_PAGE = page('orders', 'orders-server');
const API_PAGE = page('api', 'api-server');
const STATUS_PAGE = page('status', 'status-server');
const SHOP_PAGE = page('shop', 'shop-server');
const SECURE_PAGE = page('secure', 'secure-server');
const NEXT_PAGE = page('next', 'next-server');

/** Per integ test file, per assertion (method or `invoke`, then the path after the router's DNS name). */
const EXPECTATIONS: Record<string, Record<string, Expectation>> = {
  'integ.three-vpc.ts': {
    'GET /vpc2/': vpcPath('vpc2', 'vpc3'),
    'GET /vpc3/': vpcPath('vpc3', 'vpc2'),
    'GET /elsewhere/': {
      pass: [[ROUTER_404]],
      fail: [[ALB_502], [noSuchFile('web-vpc2-a')], [page('vpc2', 'web-vpc2-a')]],
    },
    'invoke /vpc2/': proberOn('vpc2', 'vpc3'),
    'invoke /vpc3/': proberOn('vpc3', 'vpc2'),
  },
  'integ.cross-region.ts': {
    'GET /orders/': {
      pass: [[ORDERS_PAGE]],
      fail: [[ALB_502], [ROUTER_404], [noSuchFile('orders-server')], [DOCS_PAGE]],
    },
  },
  'integ.front-door.ts': {
    'GET /shop/': {
      pass: [[SHOP_PAGE]],
      fail: [[ALB_502], [ROUTER_404], [noSuchFile('shop-server')], [WAF_403]],
    },
    'GET /admin/': {
      // The shop server serves this path too: reaching it means the ALB let the request through.
      pass: [[ALB_401]],
      fail: [[SHOP_PAGE], [ALB_502], [ROUTER_404], [WAF_403]],
    },
    'GET /shop/ over HTTP': {
      // ALB writes the port it redirects to; the handler's fetch drops it as HTTPS's default.
      pass: [[redirect(301, `${FRONT_DOOR_URL}:443/shop/`)]],
      fail: [[SHOP_PAGE], [redirect(302, `${FRONT_DOOR_URL}:443/shop/`)], [redirect(301, `${FRONT_DOOR_HTTP_URL}:80/shop/`)],
        [redirect(301, `${FRONT_DOOR_URL}:443/`)], [ROUTER_404]],
    },
    'GET /shop/blocked': {
      // Without the web ACL, the shop server would answer that it has no such file.
      pass: [[WAF_403]],
      fail: [[noSuchFile('shop-server')], [ALB_502], [ALB_401]],
    },
  },
  'integ.producer-stack.ts': {
    'GET /api/': {
      pass: [[API_PAGE]],
      fail: [[ALB_502], [noSuchFile('docs-server')], [DOCS_PAGE], [ROUTER_404]],
    },
    'GET /docs/index.html': {
      pass: [[DOCS_PAGE]],
      fail: [[ALB_502], [noSuchFile('api-server')], [API_PAGE], [ROUTER_404]],
    },
    'GET /status/': {
      // The second port of the docs producer: the docs server (its first port) has no such page.
      pass: [[STATUS_PAGE]],
      fail: [[ALB_502], [ROUTER_404], [noSuchFile('docs-server')], [DOCS_PAGE]],
    },
    'GET /secure/': {
      // The server on the docs producer's HTTPS port; a TLS failure to it is the ALB's 502.
      pass: [[SECURE_PAGE]],
      fail: [[ALB_502], [ROUTER_404], [noSuchFile('docs-server')], [DOCS_PAGE]],
    },
    'GET /': {
      pass: [[DOCS_PAGE]],
      fail: [[ALB_502], [API_PAGE], [ROUTER_404]],
    },
    'GET /by-name/docs/index.html': {
      // Only the rewrite makes this the docs server's page; unrewritten, it has no such file.
      pass: [[DOCS_PAGE]],
      fail: [[ALB_502], [ROUTER_404], [noSuchFile('docs-server')], [API_PAGE]],
    },
    'GET /apidocs/': {
      // The docs server serves this path too; the api server has no such page.
      pass: [[DOCS_PAGE]],
      fail: [[ALB_502], [ROUTER_404], [noSuchFile('api-server')], [API_PAGE]],
    },
    'invoke /split/': {
      // Both producers of the weighted route answer within 30 requests; one alone is a failure.
      pass: [[DOCS_PAGE, NEXT_PAGE], [NEXT_PAGE, ALB_502, DOCS_PAGE]],
      fail: [[DOCS_PAGE], [NEXT_PAGE], [ALB_502], [DOCS_PAGE, API_PAGE], [ROUTER_404]],
    },
  },
};

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** One assertion custom resource of a snapshot. */
interface Assertion {
  readonly id: string;
  readonly type: string;
  /** The table key: `GET /path` or `invoke /path`. */
  readonly key: string;
  /** The path the server must be asked for. */
  readonly path: string;
  /** Properties with intrinsics resolved; the router's DNS name is ALB_DNS. */
  readonly properties: Record<string, any>;
  /** Every resource of its template, to find the function it invokes (a Ref cannot cross stacks). */
  readonly resources: Record<string, Resource>;
}

/** Resolves the intrinsics assertions use; a Ref gives the logical ID (a function's name). */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[name, argument]] = entries;
    switch (name) {
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => String(resolve(part))).join(separator);
      }
      case 'Fn::ImportValue':
      case 'Fn::GetAtt': {
        const target = [argument].flat().map((part) => String(resolve(part))).join('.');
        return /LoadBalancer.*DNSName/.test(target) ? ALB_DNS : `{${target}}`;
      }
      case 'Ref':
        return argument;
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
}

/** The path after the router's address, or the URL itself if it does not go through the router. */
function routerPath(url: string): string {
  const prefix = [`http://${ALB_DNS}`, FRONT_DOOR_URL, FRONT_DOOR_HTTP_URL].find((candidate) => url.startsWith(candidate));
  return prefix ? url.slice(prefix.length) : `${url} (not through the router)`;
}

/** The table key of a request: its method and path, and `over HTTP` for the front door's HTTP listener. */
function keyOf(method: string, url: string): string {
  return `${method} ${routerPath(url)}${url.startsWith(FRONT_DOOR_HTTP_URL) ? ' over HTTP' : ''}`;
}

/** Where the assertion sends its request; unknown kinds get a key the table cannot have. */
function requestOf(type: string, properties: Record<string, any>): { key: string; path: string } {
  const parameters = properties.parameters ?? {};
  if (type.startsWith('Custom::DeployAssert@HttpCall')) {
    return { key: keyOf(parameters.fetchOptions?.method ?? 'GET', parameters.url), path: routerPath(parameters.url) };
  }
  if (type === 'Custom::DeployAssert@SdkCallLambdainvoke') {
    // Parameters are JSON-encoded; the prober's payload is a JSON string inside that.
    const requestPath = routerPath(JSON.parse(JSON.parse(parameters.Payload)).url);
    return { key: `invoke ${requestPath}`, path: requestPath };
  }
  return { key: `${type} (unsupported by this test)`, path: '' };
}

/** Every integ snapshot (by integ test file name) with its assertions, read from the templates. */
function discoverSnapshots(): Array<{ name: string; assertions: Assertion[] }> {
  return fs.readdirSync(INTEG_DIR)
    .filter((dir) => dir.endsWith('.snapshot'))
    .sort()
    .map((dir) => {
      const assertions = fs.readdirSync(path.join(INTEG_DIR, dir))
        .filter((file) => file.endsWith('.template.json'))
        .sort()
        .flatMap((file) => {
          const resources: Record<string, Resource> = JSON.parse(fs.readFileSync(path.join(INTEG_DIR, dir, file), 'utf-8')).Resources ?? {};
          return Object.entries(resources)
            .filter(([, resource]) => resource.Properties && 'expected' in resource.Properties)
            .map(([id, resource]): Assertion => {
              const properties = resolve(resource.Properties) as Record<string, any>;
              return { id, type: resource.Type, ...requestOf(resource.Type, properties), properties, resources };
            });
        });
      return { name: dir.replace(/\.snapshot$/, ''), assertions };
    });
}

/** The handler's exports: `handler` for a CloudFormation event, `isComplete` for each try of the waiter state machine. */
interface AssertionProvider {
  handler(event: object, context: object): Promise<void>;
  isComplete(event: object, context: object): Promise<void>;
}

const BUNDLE = path.join(path.dirname(require.resolve('@aws-cdk/integ-tests-alpha')),
  'assertions', 'providers', 'lambda-handler.bundle', 'index.js');

/** Runs a function of the snapshot for the fake Lambda client; set per assertion. */
let mockLambdaInvoke: (input: { FunctionName: string; Payload: Uint8Array }) => Promise<unknown>;

// The bundle loads the SDK client of the called service at run time; Lambda provides it there.
jest.mock('@aws-sdk/client-lambda', () => ({
  LambdaClient: class {
    async send(command: { input: { FunctionName: string; Payload: Uint8Array } }) {
      const result = await mockLambdaInvoke(command.input);
      // Lambda returns the handler's result as JSON bytes.
      return { $metadata: { httpStatusCode: 200 }, StatusCode: 200, ExecutedVersion: '$LATEST', Payload: new TextEncoder().encode(JSON.stringify(result)) };
    }
  },
  InvokeCommand: class {
    constructor(readonly input: unknown) {}
  },
}), { virtual: true });

let provider: AssertionProvider;
let server: http.Server;
let host: string;
/** The current scenario, answered in turn. */
let answers: Scenario = [];
let served = 0;
const requestedPaths: string[] = [];
const cfnResponses: Array<{ Status: string; Reason?: string; Data?: Record<string, any> }> = [];
const logs: string[] = [];

beforeAll(async () => {
  // The bundle answers CloudFormation over https: capture the answer instead.
  const https = jest.requireActual<typeof import('https')>('https');
  jest.spyOn(https, 'request').mockImplementation(((_options: unknown, callback: () => void) => {
    let body = '';
    const request = {
      on: () => request,
      write: (chunk: string) => { body += chunk; return true; },
      end: () => { cfnResponses.push(JSON.parse(body)); setImmediate(callback); return request; },
    };
    return request;
  }) as never);
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => { logs.push(format(...args)); });
  }
  provider = jest.requireActual<AssertionProvider>(BUNDLE);
  server = http.createServer((request, response) => {
    requestedPaths.push(request.url ?? '');
    const answer = answers[served++ % answers.length];
    response.writeHead(answer.status, { ...answer.headers, 'content-type': answer.contentType });
    response.end(answer.body);
  });
  await new Promise<void>((resolved) => server.listen(0, '127.0.0.1', resolved));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  jest.restoreAllMocks();
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
});

/** How the handler judged an assertion, with what it compared. */
interface Outcome {
  /** `success`, `mismatch: <the matcher's message>`, or `error: ...` if no comparison happened. */
  readonly verdict: string;
  /** The response the assertion was compared with (`apiCallResponse`). */
  readonly actual: any;
}

/** Runs the provider on one assertion while the router's URL answers `scenario`. */
async function run(assertion: Assertion, scenario: Scenario): Promise<Outcome> {
  answers = scenario;
  served = 0;
  requestedPaths.length = 0;
  cfnResponses.length = 0;
  logs.length = 0;
  // The request goes to the local server; what is expected of its answer stays as written.
  const { expected, ...request } = assertion.properties;
  const local = JSON.stringify(request).split(FRONT_DOOR_URL).join(`http://${host}`).split(FRONT_DOOR_HTTP_URL).join(`http://${host}`).split(ALB_DNS).join(host);
  const properties = { ...JSON.parse(local), expected };
  mockLambdaInvoke = (input) => invokeFromSnapshot(assertion.resources, input);
  const event = {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:assertion-provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.invalid/response',
    StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/assertions/1',
    RequestId: 'request-1',
    LogicalResourceId: assertion.id,
    ResourceType: assertion.type,
    ResourceProperties: properties,
  };
  const context = { getRemainingTimeInMillis: () => 60_000, logStreamName: 'test' };
  let error: unknown;
  try {
    // With waitForAssertions, `handler` only starts the state machine, which calls `isComplete` until it succeeds.
    await ('stateMachineArn' in properties ? provider.isComplete(event, context) : provider.handler(event, context));
  } catch (e) {
    error = e;
  }
  const returned = logs.find((line) => line.startsWith('Returning result '));
  const actual = returned ? JSON.parse(returned.slice('Returning result '.length)).apiCallResponse : undefined;
  // isComplete throws on a mismatch (the state machine retries), after logging the assertion result.
  const failedLog = logs.find((line) => line.startsWith('Assertion Failed: '));
  const result = cfnResponses[0]?.Data?.assertion ?? (failedLog && JSON.parse(failedLog.slice('Assertion Failed: '.length)).assertion);
  if (result && actual !== undefined) {
    const { status, message } = JSON.parse(result);
    return { verdict: status === 'success' && !error && cfnResponses[0]?.Status === 'SUCCESS' ? 'success' : `mismatch: ${message}`, actual };
  }
  return { verdict: `error: ${cfnResponses[0]?.Reason ?? error}\n${logs.join('\n')}`, actual };
}

/** What the fake Lambda service does: runs the inline code of the snapshot's function. */
async function invokeFromSnapshot(resources: Record<string, Resource>, input: { FunctionName: string; Payload: Uint8Array }): Promise<unknown> {
  const fn = resources[input.FunctionName];
  const code: unknown = fn?.Properties?.Code?.ZipFile;
  const [file, handlerName] = String(fn?.Properties?.Handler).split('.');
  if (fn?.Type !== 'AWS::Lambda::Function' || typeof code !== 'string' || file !== 'index') {
    throw new Error(`${input.FunctionName} is not a function with inline code in the snapshot`);
  }
  const moduleExports: Record<string, (event: unknown) => Promise<unknown>> = {};
  vm.runInNewContext(code, { exports: moduleExports, fetch });
  return moduleExports[handlerName](JSON.parse(new TextDecoder().decode(input.Payload)));
}

function names(scenario: Scenario): string {
  return scenario.map((answer) => answer.from).join(', then ');
}

const snapshots = discoverSnapshots();

test('there are integ snapshots, and the table names no other', () => {
  expect(snapshots.length).toBeGreaterThan(0);
  expect(Object.keys(EXPECTATIONS).filter((name) => !snapshots.some((s) => s.name === name))).toEqual([]);
});

describe.each(snapshots)('$name', ({ name, assertions }) => {
  test('has assertions', () => {
    expect(assertions.length).toBeGreaterThan(0);
  });

  test('the table knows every assertion, and no other', () => {
    expect(assertions.map((a) => a.key).sort()).toEqual(Object.keys(EXPECTATIONS[name] ?? {}).sort());
  });

  for (const assertion of assertions) {
    const expectation = EXPECTATIONS[name]?.[assertion.key];
    if (!expectation) continue; // Reported by the test above.

    describe(`${assertion.key} (${assertion.id})`, () => {
      test.each(expectation.pass.map((scenario) => [names(scenario), scenario]))('passes when %s answers', async (_, scenario) => {
        const { verdict, actual } = await run(assertion, scenario);
        expect(verdict).toBe('success');
        expect(requestedPaths.length).toBeGreaterThan(0);
        expect(new Set(requestedPaths)).toEqual(new Set([assertion.path]));
        if (assertion.key.startsWith('invoke ')) {
          // The assertion sees the Payload as the JSON text Lambda returned, quotes included: the
          // servers that answered with their page.
          expect(typeof actual.Payload).toBe('string');
          const servers = [...new Set(scenario.filter((answer) => answer.status === 200).map((answer) => answer.from))].sort();
          expect(JSON.parse(actual.Payload)).toBe(servers.join(','));
        } else {
          expect(actual).toMatchObject({ status: scenario[0].status, body: scenario[0].body });
        }
      });

      test.each(expectation.fail.map((scenario) => [names(scenario), scenario]))('fails when %s answers', async (_, scenario) => {
        const { verdict } = await run(assertion, scenario);
        // A mismatch, not an error: the server was reached and its answer compared.
        expect(verdict).toMatch(/^mismatch: /);
        expect(new Set(requestedPaths)).toEqual(new Set([assertion.path]));
      });
    });
  }
});
