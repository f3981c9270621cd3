import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AlbPrivateLinkRouter, PrivateLinkRoute } from '../src';
import { consumerStack, producer } from './fixtures';

/** A consumer stack in eu-west-1 over three zones, and a producer VPC over the same three. */
function threeZones() {
  const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
  const web = producer(stack, 'Producer', 1, 3);
  return { stack, vpc, route: { path: '/a', producerVpc: web.vpc, instances: web.instances } };
}

/** The Availability Zones of the subnets an endpoint is placed in. */
function endpointZonesOf(route: PrivateLinkRoute, vpc: ec2.Vpc): string[] {
  const subnetIds = route.endpoint.stack.resolve((route.endpoint.node.defaultChild as ec2.CfnVPCEndpoint).subnetIds);
  return vpc.isolatedSubnets
    .filter((subnet) => JSON.stringify(subnetIds).includes(JSON.stringify(route.endpoint.stack.resolve(subnet.subnetId))))
    .map((subnet) => subnet.availabilityZone);
}

describe('endpoint subnets follow the ALB\'s zones, since the ALB never sends a request to a target in another zone', () => {
  test('by default, endpoints go only to the zones the ALB is in', () => {
    const { vpc, route } = threeZones();
    const router = new AlbPrivateLinkRouter(vpc.stack, 'Router', {
      vpc,
      loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
      routes: [route],
    });
    expect(endpointZonesOf(router.routes[0], vpc)).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(router.routes[0].endpointIpAddresses.ipAddresses).toHaveLength(2);
  });

  test('with the ALB in every zone, endpoints are in every zone too', () => {
    const { vpc, route } = threeZones();
    const router = new AlbPrivateLinkRouter(vpc.stack, 'Router', { vpc, routes: [route] });
    expect(endpointZonesOf(router.routes[0], vpc)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('explicit endpoint subnets in a zone without the ALB fail, naming the zones', () => {
    const { vpc, route } = threeZones();
    expect(() => new AlbPrivateLinkRouter(vpc.stack, 'Router', {
      vpc,
      loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
      endpointSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      routes: [route],
    })).toThrow(/Test\/Router\/a\/PrivateLink: endpointSubnets: the endpoint subnets are in Availability Zones \(eu-west-1c\) where the ALB has no subnet \(it has eu-west-1a, eu-west-1b\)/);
  });

  test('an internal ALB is placed, and its zones taken, the way aws-cdk-lib places it', () => {
    const { vpc, route } = threeZones();
    const router = new AlbPrivateLinkRouter(vpc.stack, 'Router', { vpc, internetFacing: false, routes: [route] });
    Template.fromStack(vpc.stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: vpc.isolatedSubnets.map((subnet) => ({ Ref: vpc.stack.resolve(subnet.subnetId).Ref })),
    });
    expect(endpointZonesOf(router.routes[0], vpc)).toHaveLength(3);
  });
});
