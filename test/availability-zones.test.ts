import { Fn } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps, PrivateLinkProducer, PrivateLinkRoute, PrivateLinkRouteOptions } from '../src';
import { consumerStack, logicalId, producer, ProducerFixture } from './fixtures';

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
    })).toThrow(/^Test\/Router\/a: endpointSubnets: the endpoint subnets are in Availability Zones \(eu-west-1c\) where the ALB has no subnet \(it has eu-west-1a, eu-west-1b\)/);
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

describe('Availability Zones', () => {
  /** A stack in eu-west-1 whose consumer VPC spans three named zones and producer VPC two. */
  function threeZoneConsumer() {
    const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
    const web = producer(stack, 'Web');
    expect(vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(web.vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    return { stack, vpc, web };
  }

  test('default endpoint subnets leave out zones the producer NLB does not cover', () => {
    const { stack, vpc, web } = threeZoneConsumer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      SubnetIds: vpc.isolatedSubnets.slice(0, 2).map((subnet) => ({ Ref: logicalId(stack, subnet) })),
    });
    expect(router.routes[0].endpointIpAddresses.ipAddresses).toHaveLength(2);
  });

  test('explicit endpoint subnets in a zone the producer NLB does not cover are rejected', () => {
    const { stack, vpc, web } = threeZoneConsumer();
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      endpointSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    })).toThrow(/^Test\/Router\/a: endpointSubnets: the endpoint subnets are in Availability Zones \(eu-west-1c\) where the producer's load balancer has no subnet \(it has eu-west-1a, eu-west-1b\)/);
  });

  test('named zones are compared by name', () => {
    const { stack } = consumerStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-1',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-p1', 'subnet-p2'],
      isolatedSubnetIds: ['subnet-i1', 'subnet-i2'],
    });
    const namedProducer = ec2.Vpc.fromVpcAttributes(stack, 'NamedProducer', {
      vpcId: 'vpc-2',
      availabilityZones: ['eu-west-1b', 'eu-west-1c'],
      isolatedSubnetIds: ['subnet-n1', 'subnet-n2'],
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc: imported, routes: [{ path: '/a', producerVpc: namedProducer, ipAddresses: ['10.2.0.10'] }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: ['subnet-i2'] });
  });

  test.each([
    ['a producer the route creates',
      (web: ProducerFixture): PrivateLinkRouteOptions => ({ producerVpc: web.vpc, instances: web.instances })],
    ['a service known by name only, whose endpoint the router shares',
      (web: ProducerFixture): PrivateLinkRouteOptions => ({
        producer: PrivateLinkProducer.fromPrivateLinkProducerAttributes(web.vpc, 'Service', { endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' }),
      })],
  ])('two endpoint subnets in one zone are rejected naming the route, for %s', (_what, target) => {
    const { stack, vpc, web } = threeZoneConsumer();
    const sameZone = ['10.0.200.0/24', '10.0.201.0/24'].map((cidrBlock, index) => new ec2.Subnet(stack, `Extra${index}`, {
      vpcId: vpc.vpcId, availabilityZone: 'eu-west-1a', cidrBlock,
    }));
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      endpointSubnets: { subnets: sameZone },
      routes: [{ path: '/a', ...target(web) }],
    })).toThrow(new RegExp('^Test/Router/a: endpointSubnets: two endpoint subnets are in eu-west-1a; an interface endpoint takes at most one subnet per Availability Zone'));
  });

  test('a producer VPC without private or isolated subnets is rejected, naming the route and its prop', () => {
    const { stack, vpc } = consumerStack();
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new AlbPrivateLinkRouter(stack, 'Other', { vpc, routes: [{ path: '/a', producerVpc: publicOnly, ipAddresses: ['10.0.0.10'] }] }))
      .toThrow(/^Test\/Other\/a: producerSubnets: VPC 'Test\/PublicOnly' has no private or isolated subnets; add some, or choose the subnets with producerSubnets/);
  });

  test('subnets of the other side\'s VPC, or none at all, are rejected naming the route and its prop', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const attempt = (id: string, extra: Partial<PrivateLinkRouteOptions>, routerProps: Partial<AlbPrivateLinkRouterProps> = {}) =>
      () => new AlbPrivateLinkRouter(stack, id, { vpc, ...routerProps, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances, ...extra }] });
    expect(attempt('R1', {}, { endpointSubnets: { subnets: web.vpc.isolatedSubnets } }))
      .toThrow(/^Test\/R1\/a: endpointSubnets: subnet 'Test\/Web\/isolatedSubnet1' is in VPC 'Test\/Web', but these subnets must be in VPC 'Test\/Consumer'/);
    expect(attempt('R2', { producerSubnets: { subnets: vpc.isolatedSubnets } }))
      .toThrow(/^Test\/R2\/a: producerSubnets: subnet 'Test\/Consumer\/isolatedSubnet1' is in VPC 'Test\/Consumer', but these subnets must be in VPC 'Test\/Web'/);
    expect(attempt('R3', {}, { endpointSubnets: { subnets: [] } }))
      .toThrow(/^Test\/R3\/a: endpointSubnets: the selection picks no subnet in VPC 'Test\/Consumer'/);
    expect(attempt('R4', { producerSubnets: { subnets: [] } }))
      .toThrow(/^Test\/R4\/a: producerSubnets: the selection picks no subnet in VPC 'Test\/Web'/);
  });

  test('zones that cannot be compared at synth time give a warning', () => {
    const { stack, vpc } = consumerStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-2',
      availabilityZones: [Fn.importValue('ZoneA'), Fn.importValue('ZoneB')],
      isolatedSubnetIds: ['subnet-n1', 'subnet-n2'],
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: imported, ipAddresses: ['10.2.0.10'] }] });
    Annotations.fromStack(stack).hasWarning('/Test/Router/a/PrivateLink', Match.stringLikeRegexp("Test/Router/a/PrivateLink: endpointSubnets: cannot tell at synth time whether the producer's load balancer covers"));
  });
});
