import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicies, Stack } from 'aws-cdk-lib';
import { ThreeVpcExampleStack } from './three-vpc-example';
import { serverProber } from './web-server';

// The README's three-VPC example, deployed and proven over HTTP through the ALB.
const app = new App();
const example = new ThreeVpcExampleStack(app, 'AlbPrivateLinkRouterThreeVpc');
const assertionStack = new Stack(app, 'AlbPrivateLinkRouterThreeVpcAssertions');
const integ = new IntegTest(app, 'ThreeVpc', { testCases: [example], assertionStack });
const url = `http://${example.router.loadBalancer.loadBalancerDnsName}`;

// Targets take a few minutes to pass health checks after the stack is created.
const untilHealthy = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(20) };

for (const vpc of ['vpc2', 'vpc3']) {
  integ.assertions
    .httpApiCall(`${url}/${vpc}/`)
    .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp(`web-${vpc}-[ab]`) }))
    .waitForAssertions(untilHealthy);
}

integ.assertions
  .httpApiCall(`${url}/elsewhere/`)
  .expect(ExpectedResult.objectLike({ status: 404, body: 'No route matches this path.' }))
  // Waiting makes a mismatch fail the deployment; without it, only the results would say so.
  .waitForAssertions(untilHealthy);

// Repeated requests must reach both web servers of a VPC: the NLB spreads them over its targets.
const prober = serverProber(assertionStack, 'Prober', 'web-vpc\\d-[ab]');

for (const vpc of ['vpc2', 'vpc3']) {
  integ.assertions
    .invokeFunction({ functionName: prober.functionName, payload: JSON.stringify({ url: `${url}/${vpc}/`, requests: 30 }) })
    // Anchored (the payload is the JSON text, quotes included): a server of another VPC behind
    // the route must fail it.
    .expect(ExpectedResult.objectLike({ Payload: Match.stringLikeRegexp(`^"web-${vpc}-a,web-${vpc}-b"$`) }))
    .waitForAssertions(untilHealthy);
}

// The log groups the templates declare are retained by default; a test run deletes them.
RemovalPolicies.of(app).destroy({ applyToResourceTypes: ['AWS::Logs::LogGroup'] });

app.synth();
