import { App } from 'aws-cdk-lib';
import { consumerStack, producer } from './fixtures';
import { failingControls } from './judges';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';
import { AlbPrivateLinkRouter } from '../src';

/**
 * The AWS Control Tower proactive controls the three-VPC example fails, each with why. The test
 * fails when one more control fails, and also when one of these starts passing (update the list
 * and the README's Security section).
 */
const KNOWN_FAILURES: Record<string, string> = {
  'CT.EC2.PR.10': 'example web servers: detailed monitoring costs extra',
  'CT.EC2.PR.13': 'example web servers: detailed monitoring costs extra',
  'CT.EC2.PR.19': 'example web servers: t4g.nano does not encrypt in transit; their traffic stays inside PrivateLink',
  'CT.ELASTICLOADBALANCING.PR.1': 'the example has no certificate, so no HTTPS listener to redirect to; certificates turns on the redirect',
  'CT.ELASTICLOADBALANCING.PR.5': 'deletion protection is off by default so that cdk destroy works; set deletionProtection',
  'CT.ELASTICLOADBALANCING.PR.6': 'ALB access logs (accessLogs) need a stack with a region, and the example has none; a TCP-only NLB has nothing to log',
  'CT.LAMBDA.PR.3': 'the IP lookup provider runs outside a VPC: inside, it would need a NAT gateway or an EC2 endpoint to call EC2',
};

test('the example fails only the known Control Tower controls', () => {
  const failing = failingControls(new ThreeVpcExampleStack(new App(), 'Example'));
  expect(Object.keys(failing).sort()).toEqual(Object.keys(KNOWN_FAILURES).sort());
});

test('deletionProtection passes the deletion-protection control for the ALB and every NLB', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    deletionProtection: true,
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }, { path: '/b', producerVpc: web.vpc, instances: web.instances }],
  });
  const failing = failingControls(stack);
  expect(failing['CT.ELASTICLOADBALANCING.PR.5']).toBeUndefined();
  // The load balancers are judged: without the prop, all three fail.
  expect(failing['CT.ELASTICLOADBALANCING.PR.6']).toHaveLength(3);
});

test('without deletionProtection the ALB and both NLBs fail that control', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }, { path: '/b', producerVpc: web.vpc, instances: web.instances }],
  });
  expect(failingControls(stack)['CT.ELASTICLOADBALANCING.PR.5']).toHaveLength(3);
});
