import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, RemovalPolicies, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerVpc, isolatedVpc, serverProber, WebServer, WebServerProps, webServerSecurityGroup } from './web-server';
import { AlbPrivateLinkRouter, PrivateLinkProducer, RouterMonitoring } from '../src';

// A different shape from the three-VPC example: the services live in their own stack; `/api`
// names instances there (its producer is made in the edge stack, on port 8080), while the docs
// team publishes its own PrivateLinkProducer that two routes share (`/docs*`, an ALB wildcard
// pattern with an explicit priority added with addRoute, and the catch-all `/`): one NLB, one
// endpoint service, one interface endpoint for both. `/status` reaches a third server on a second
// port of that producer (addPort): the same NLB, endpoint service and interface endpoint, its own
// listener and target groups. `/by-name` reaches the docs service through an import by its service
// name, as a consumer in another account would, with the prefix stripped. `/split` spreads its
// requests 50/50 over the docs producer and a second one, as a migration or a canary does.
// `/secure` reaches a server on a third port of the docs producer that serves HTTPS itself.
const app = new App();

const services = new Stack(app, 'AlbPrivateLinkRouterServices');
const servicesVpc = isolatedVpc(services, 'Vpc', '10.20.0.0/16');
const servicesSecurityGroup = webServerSecurityGroup(services, 'WebServerSecurityGroup', servicesVpc);
/** A web server of the services stack in its `zone`th subnet, answering as `<section>-server`. */
function server(id: string, zone: number, section: string, options: Pick<WebServerProps, 'port' | 'alsoServes' | 'tls'> = {}): WebServer {
  return new WebServer(services, id, {
    vpc: servicesVpc,
    subnet: servicesVpc.isolatedSubnets[zone],
    securityGroup: servicesSecurityGroup,
    section,
    serverName: `${section}-server`,
    ...options,
  });
}
const api = server('Api', 0, 'api', { port: 8080 });
// The catch-all route serves it: proves that `/api` stops at the segment boundary.
const docs = server('Docs', 1, 'docs', { alsoServes: ['apidocs'] });
const status = server('Status', 0, 'status', { port: 9090 });
// Serves HTTPS with a self-signed certificate: TLS from the ALB ends at the instance.
const secure = server('Secure', 1, 'secure', { port: 8443, tls: true });
const docsService = new PrivateLinkProducer(services, 'DocsService', { vpc: servicesVpc, instances: [docs] });
docsService.addPort(9090, { instances: [status] });
docsService.addPort(8443, { instances: [secure], targetProtocol: elbv2.ApplicationProtocol.HTTPS });
const next = server('Next', 1, 'next');
const nextService = new PrivateLinkProducer(services, 'NextService', { vpc: servicesVpc, instances: [next] });

const edge = new Stack(app, 'AlbPrivateLinkRouterEdge');
const router = new AlbPrivateLinkRouter(edge, 'Router', {
  vpc: consumerVpc(edge, 'Vpc', '10.10.0.0/16'),
  routes: [
    { path: '/api', producerVpc: servicesVpc, instances: [api], port: 8080 },
    { path: '/', producer: docsService },
  ],
});
router.addRoute({ path: '/docs*', id: 'docs', priority: 10, producer: docsService });
router.addRoute({ path: '/status', producer: docsService, port: 9090 });
router.addRoute({ path: '/secure', producer: docsService, port: 8443 });
const docsByName = PrivateLinkProducer.fromPrivateLinkProducerAttributes(edge, 'DocsByName', {
  endpointServiceName: docsService.endpointServiceName,
  port: docsService.port,
});
router.addRoute({ path: '/by-name', stripPathPrefix: true, producer: docsByName });
// Both servers answer `/`, which the prefix becomes.
router.addRoute({
  path: '/split',
  stripPathPrefix: true,
  producers: [{ producer: docsService, weight: 50 }, { producer: nextService, weight: 50 }],
});
// Alarms and a dashboard for every route: both sides for `/api`, whose producer is in this stack;
// the ALB's side for the docs producer (in the services stack, which so exports nothing more)
// and for the import by name.
new RouterMonitoring(edge, 'Monitoring', { router });
const url = `http://${router.loadBalancer.loadBalancerDnsName}`;
new CfnOutput(edge, 'Url', { value: url });

const assertionStack = new Stack(app, 'AlbPrivateLinkRouterProducerStackAssertions');
const integ = new IntegTest(app, 'ProducerStack', { testCases: [services, edge], assertionStack });
const prober = serverProber(assertionStack, 'Prober', '(docs|next)-server');
const untilHealthy = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(20) };

integ.assertions
  .httpApiCall(`${url}/api/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('api-server') }))
  .waitForAssertions(untilHealthy);
integ.assertions
  .httpApiCall(`${url}/docs/index.html`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('docs-server') }))
  .waitForAssertions(untilHealthy);
integ.assertions
  .httpApiCall(`${url}/status/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('status-server') }))
  .waitForAssertions(untilHealthy);
// Over HTTPS from the ALB to the instance, whose certificate no one signed.
integ.assertions
  .httpApiCall(`${url}/secure/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('secure-server') }))
  .waitForAssertions(untilHealthy);
integ.assertions
  .httpApiCall(`${url}/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('docs-server') }))
  .waitForAssertions(untilHealthy);
// Rewritten to `/docs/index.html`; without the rewrite the catch-all would ask the docs server
// for a page it does not have.
integ.assertions
  .httpApiCall(`${url}/by-name/docs/index.html`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('docs-server') }))
  .waitForAssertions(untilHealthy);
// `/api` is a prefix by segment, so `/apidocs/` falls to the catch-all: the docs server.
integ.assertions
  .httpApiCall(`${url}/apidocs/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('docs-server') }))
  .waitForAssertions(untilHealthy);
// Repeated requests to the weighted route must reach both producers' servers.
integ.assertions
  .invokeFunction({ functionName: prober.functionName, payload: JSON.stringify({ url: `${url}/split/`, requests: 30 }) })
  .expect(ExpectedResult.objectLike({ Payload: Match.stringLikeRegexp('^"docs-server,next-server"$') }))
  .waitForAssertions(untilHealthy);

// The log groups the templates declare are retained by default; a test run deletes them.
RemovalPolicies.of(app).destroy({ applyToResourceTypes: ['AWS::Logs::LogGroup'] });

app.synth();
