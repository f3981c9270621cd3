import { Duration } from 'aws-cdk-lib';
import { buildRouter } from './fixtures';

/*
 * A route that creates its producer passes its health check, deregistration delay and targets to
 * it: the producer's checks report at the route, with the prop the route's user wrote.
 */

test('a route whose health check interval ELB refuses is rejected at the route', () => {
  expect(() => buildRouter((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances, healthCheck: { interval: Duration.seconds(4) } }]))
    .toThrow(/^Test\/Router\/a: healthCheck: interval: must be an integer from 5 to 300 seconds, got 4\./);
});

test('a route whose success codes the consumer\'s ALB refuses is rejected at the route', () => {
  expect(() => buildRouter((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances, healthCheck: { healthyHttpCodes: '200-599' } }]))
    .toThrow(/^Test\/Router\/a: healthCheck: healthyHttpCodes: '200-599' is outside 200-499/);
});

test('a route whose deregistration delay ELB refuses is rejected at the route', () => {
  expect(() => buildRouter((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances, deregistrationDelay: Duration.hours(2) }]))
    .toThrow(/^Test\/Router\/a: deregistrationDelay: must be whole seconds from 0 to 3600, got 2 hours\./);
});

test('a route to a public IP address is rejected at the route', () => {
  expect(() => buildRouter((web) => [{ path: '/a', producerVpc: web.vpc, ipAddresses: ['8.8.8.8'] }]))
    .toThrow(/^Test\/Router\/a: ipAddresses: '8.8.8.8' is neither in the VPC's subnets nor in 10.0.0.0\/8/);
});

test('a route with an empty list of ECS services beside instances creates an instance target group', () => {
  const { template } = buildRouter((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances, ecsServices: [] }]);
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance', Protocol: 'TCP' });
});
