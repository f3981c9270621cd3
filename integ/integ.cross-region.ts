import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, RemovalPolicies, Stack } from 'aws-cdk-lib';
import { consumerVpc, isolatedVpc, WebServer, webServerSecurityGroup } from './web-server';
import { AlbPrivateLinkRouter, PrivateLinkProducer } from '../src';

// Two Regions: the orders service and its producer in us-east-1, which admits us-west-2; the
// router in us-west-2 reaches it over a cross-Region interface endpoint. The edge stack refers
// to the producer through aws-cdk-lib's cross-Region references.
const app = new App();

const services = new Stack(app, 'AlbPrivateLinkRouterCrossRegionServices', { env: { region: 'us-east-1' } });
const servicesVpc = isolatedVpc(services, 'Vpc', '10.30.0.0/16');
const orders = new WebServer(services, 'Orders', {
  vpc: servicesVpc,
  subnet: servicesVpc.isolatedSubnets[0],
  securityGroup: webServerSecurityGroup(services, 'WebServerSecurityGroup', servicesVpc),
  section: 'orders',
  serverName: 'orders-server',
});
const ordersService = new PrivateLinkProducer(services, 'OrdersService', {
  vpc: servicesVpc,
  instances: [orders],
  allowedRegions: ['us-west-2'],
});

const edge = new Stack(app, 'AlbPrivateLinkRouterCrossRegionEdge', { env: { region: 'us-west-2' }, crossRegionReferences: true });
const router = new AlbPrivateLinkRouter(edge, 'Router', {
  vpc: consumerVpc(edge, 'Vpc', '10.40.0.0/16'),
  routes: [{ path: '/orders', producer: ordersService }],
});
const url = `http://${router.loadBalancer.loadBalancerDnsName}`;
new CfnOutput(edge, 'Url', { value: url });

// In the edge's Region, so that it can read the ALB's address.
const assertionStack = new Stack(app, 'AlbPrivateLinkRouterCrossRegionAssertions', { env: { region: 'us-west-2' } });
const integ = new IntegTest(app, 'CrossRegion', { testCases: [services, edge], assertionStack });
integ.assertions
  .httpApiCall(`${url}/orders/`)
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('orders-server') }))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(20) });

// The log groups the templates declare are retained by default; a test run deletes them.
RemovalPolicies.of(app).destroy({ applyToResourceTypes: ['AWS::Logs::LogGroup'] });

app.synth();
