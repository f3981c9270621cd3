import { Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerStack, producer } from './fixtures';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps, PrivateLinkProducer, PrivateLinkTargetGroup } from '../src';

const certificate = (index: number) => elbv2.ListenerCertificate.fromArn(`arn:aws:acm:eu-west-1:111111111111:certificate/${index}`);

/** A router in eu-west-1 (named zones) with the props given; no routes. */
function routerWith(props: Partial<AlbPrivateLinkRouterProps>, maxAzs = 3) {
  const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs });
  return { stack, vpc, build: () => new AlbPrivateLinkRouter(stack, 'Router', { vpc, ...props }) };
}

describe('router props ELB would refuse fail at synth', () => {
  test.each([0, -1, 2.5, 50001])('maxRoutes %p is rejected', (maxRoutes) => {
    expect(routerWith({ maxRoutes }).build).toThrow(/^Test\/Router: maxRoutes: must be an integer from 1 to 50000/);
  });

  test('maxRoutes 50000 is accepted', () => {
    expect(routerWith({ maxRoutes: 50000 }).build).not.toThrow();
  });

  test('maxRoutes that is a token is rejected', () => {
    expect(routerWith({ maxRoutes: Token.asNumber({ Ref: 'Max' }) }).build).toThrow(/^Test\/Router: maxRoutes: must be known at synth time, not a token/);
  });

  test.each(['AWSLogs', 'router/AWSLogs/x'])('accessLogsPrefix %p is rejected', (accessLogsPrefix) => {
    expect(routerWith({ accessLogs: true, accessLogsPrefix }).build)
      .toThrow(/^Test\/Router: accessLogsPrefix: '.*' contains 'AWSLogs', which ELB does not accept in a prefix/);
  });

  test('an accessLogsPrefix that is a token passes unchecked', () => {
    expect(routerWith({ accessLogs: true, accessLogsPrefix: Token.asString({ Ref: 'Prefix' }) }).build).not.toThrow();
  });

  test('load balancer subnets in one Availability Zone are rejected', () => {
    expect(routerWith({ loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: ['eu-west-1a'] } }).build)
      .toThrow(/^Test\/Router: loadBalancerSubnets: the ALB's subnets are in one Availability Zone \(eu-west-1a\); an Application Load Balancer needs subnets in at least two/);
  });

  test('a consumer VPC of one Availability Zone is rejected for the ALB, in an environment-agnostic stack too', () => {
    const { stack } = consumerStack({ maxAzs: 1 });
    const vpc = new ec2.Vpc(stack, 'OneZone', { maxAzs: 1, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc })).toThrow(/^Test\/Router: loadBalancerSubnets: the ALB's subnets are in one Availability Zone/);
  });

  test('load balancer subnets that pick no subnet are rejected', () => {
    expect(routerWith({ loadBalancerSubnets: { subnets: [] } }).build)
      .toThrow(/^Test\/Router: loadBalancerSubnets: the ALB's subnets are in no Availability Zone/);
  });

  test('a route id that is a token is rejected', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    expect(() => router.addRoute({ id: Token.asString({ Ref: 'Id' }), path: '/a', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/^Test\/Router: id: route '\/a' has id '\$\{Token\[.*\]\}'; a construct ID must be a literal, non-empty string without '\/'/);
  });

  test('load balancer subnets in two Availability Zones are accepted', () => {
    expect(routerWith({ loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: ['eu-west-1a', 'eu-west-1b'] } }).build).not.toThrow();
  });

  test('a Local Zone subnet alone is not rejected: ELB allows one or more Local Zones', () => {
    const { stack, vpc } = consumerStack({ inEuWest1: true });
    const local = ec2.Subnet.fromSubnetAttributes(stack, 'Local', { subnetId: 'subnet-local', availabilityZone: 'us-west-2-lax-1a' });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, loadBalancerSubnets: { subnets: [local] } })).not.toThrow();
  });

  test('more than 25 certificates besides the default one are warned of, naming the quota', () => {
    const { stack, build } = routerWith({ certificates: Array.from({ length: 27 }, (_, index) => certificate(index)) });
    build();
    Annotations.fromStack(stack).hasWarning('/Test/Router', Match.stringLikeRegexp('certificates: 27 certificates are 26 besides the default one; an ALB holds 25 by default'));
  });

  test('26 certificates, 25 besides the default one, give no warning', () => {
    const { stack, build } = routerWith({ certificates: Array.from({ length: 26 }, (_, index) => certificate(index)) });
    build();
    Annotations.fromStack(stack).hasNoWarning('/Test/Router', Match.stringLikeRegexp('certificates:'));
  });
});

test('a PrivateLinkTargetGroup with no load balancer zones is rejected', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances });
  expect(() => new PrivateLinkTargetGroup(stack, 'Group', { vpc, producer: service, loadBalancerAvailabilityZones: [] }))
    .toThrow(/^Test\/Group: loadBalancerAvailabilityZones: is empty, so no endpoint subnet could be used/);
});
