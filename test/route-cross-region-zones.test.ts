import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { consumerVpc, logicalId, producer } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer } from '../src';
import { CROSS_REGION_UNSUPPORTED_ZONE_IDS } from '../src/private/regions';

const ACCOUNT = '111111111111';

/**
 * A consumer stack in `consumerRegion` whose isolated subnets have the zone IDs given (a literal
 * `AvailabilityZoneId` on the CfnSubnet), and a producer in eu-west-1.
 */
function consumerIn(consumerRegion: string, zoneIds: Array<string | undefined>) {
  const zones = (region: string) => ({ [`availability-zones:account=${ACCOUNT}:region=${region}`]: [`${region}a`, `${region}b`] });
  const app = new App({ context: { ...zones('eu-west-1'), ...zones(consumerRegion) } });
  const services = new Stack(app, 'Services', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const edge = new Stack(app, 'Edge', { env: { account: ACCOUNT, region: consumerRegion }, crossRegionReferences: true });
  const web = producer(services, 'Web');
  const service = new PrivateLinkProducer(services, 'Service', { vpc: web.vpc, instances: web.instances, allowedRegions: [consumerRegion] });
  const vpc = consumerVpc(edge, 'Vpc', 2);
  vpc.isolatedSubnets.forEach((subnet, index) => {
    if (zoneIds[index] === undefined) return;
    const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
    cfnSubnet.availabilityZone = undefined;
    cfnSubnet.availabilityZoneId = zoneIds[index];
  });
  return { edge, vpc, service };
}

test('the zones without cross-Region support are those the PrivateLink guide lists', () => {
  expect(CROSS_REGION_UNSUPPORTED_ZONE_IDS).toEqual({
    'us-east-1': ['use1-az3'],
    'us-west-1': ['usw1-az2'],
    'ap-northeast-1': ['apne1-az3'],
    'ap-northeast-2': ['apne2-az2', 'apne2-az4'],
  });
});

test.each([
  ['us-east-1', 'use1-az3'], ['us-west-1', 'usw1-az2'], ['ap-northeast-1', 'apne1-az3'], ['ap-northeast-2', 'apne2-az2'], ['ap-northeast-2', 'apne2-az4'],
])('an explicit endpoint subnet in %s zone %s is rejected for a cross-Region route, naming the route', (region, zoneId) => {
  const { edge, vpc, service } = consumerIn(region, [zoneId, undefined]);
  expect(() => new AlbPrivateLinkRouter(edge, 'Router', {
    vpc,
    endpointSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    routes: [{ path: '/orders', producer: service }],
  })).toThrow(new RegExp(`^Edge/Router/orders: endpointSubnets: subnet 'Edge/Vpc/isolatedSubnet1' is in zone ${zoneId}, where cross-Region interface endpoints are not supported`));
});

test('default endpoint subnets leave out a zone without cross-Region support', () => {
  const { edge, vpc, service } = consumerIn('us-east-1', ['use1-az3', 'use1-az1']);
  new AlbPrivateLinkRouter(edge, 'Router', { vpc, routes: [{ path: '/orders', producer: service }] });
  Template.fromStack(edge).hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceRegion: 'eu-west-1',
    SubnetIds: [{ Ref: logicalId(edge, vpc.isolatedSubnets[1]) }],
  });
});

test('an explicit selection that leaves such a zone out is accepted', () => {
  const { edge, vpc, service } = consumerIn('us-east-1', ['use1-az3', 'use1-az1']);
  new AlbPrivateLinkRouter(edge, 'Router', {
    vpc,
    endpointSubnets: { subnets: [vpc.isolatedSubnets[1]] },
    routes: [{ path: '/orders', producer: service }],
  });
  Template.fromStack(edge).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: [{ Ref: logicalId(edge, vpc.isolatedSubnets[1]) }] });
});

test('a zone without cross-Region support is fine for an endpoint in the producer\'s own Region', () => {
  const app = new App({ context: { [`availability-zones:account=${ACCOUNT}:region=us-east-1`]: ['us-east-1a', 'us-east-1b'] } });
  const stack = new Stack(app, 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const vpc = consumerVpc(stack, 'Vpc', 2);
  (vpc.isolatedSubnets[0].node.defaultChild as ec2.CfnSubnet).availabilityZoneId = 'use1-az3';
  const web = producer(stack, 'Web');
  expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
    vpc, endpointSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
  })).not.toThrow();
});

test('zone IDs unknown at synth time in a Region with such zones give a warning', () => {
  const { edge, vpc, service } = consumerIn('us-east-1', [undefined, undefined]);
  new AlbPrivateLinkRouter(edge, 'Router', { vpc, routes: [{ path: '/orders', producer: service }] });
  Annotations.fromStack(edge).hasWarning('*', Match.stringLikeRegexp('endpointSubnets: cannot tell at synth time whether an endpoint subnet is in zone use1-az3, where cross-Region interface endpoints are not supported'));
});

test('a Region without such zones gives no zone-ID warning', () => {
  const { edge, vpc, service } = consumerIn('eu-central-1', [undefined, undefined]);
  new AlbPrivateLinkRouter(edge, 'Router', { vpc, routes: [{ path: '/orders', producer: service }] });
  Annotations.fromStack(edge).hasNoWarning('*', Match.stringLikeRegexp('cdk-alb-privatelink-router:zoneIdsUnknown|cannot tell at synth time whether an endpoint subnet is in zone'));
});
