import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { consumerStack, consumerVpc, producer } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer, PrivateLinkProducerProps } from '../src';

const ACCOUNT = '111111111111';
const SERVICE_NAME = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0';

/** A consumer stack in eu-west-1 and a services stack in us-east-1, each with a VPC over two zones. */
function twoRegions() {
  const zones = (region: string) => ({ [`availability-zones:account=${ACCOUNT}:region=${region}`]: [`${region}a`, `${region}b`] });
  const app = new App({ context: { ...zones('eu-west-1'), ...zones('us-east-1') } });
  const services = new Stack(app, 'Services', { env: { account: ACCOUNT, region: 'us-east-1' } });
  // A reference from one Region to another needs aws-cdk-lib's cross-Region references.
  const edge = new Stack(app, 'Edge', { env: { account: ACCOUNT, region: 'eu-west-1' }, crossRegionReferences: true });
  const web = producer(services, 'Web');
  const vpc = consumerVpc(edge, 'Vpc', 2);
  const serviceIn = (props: Partial<PrivateLinkProducerProps> = {}) =>
    new PrivateLinkProducer(services, 'Service', { vpc: web.vpc, instances: web.instances, ...props });
  return { services, edge, vpc, serviceIn };
}

test('a route to a producer in another Region makes a cross-Region endpoint, which the producer admits', () => {
  const { services, edge, vpc, serviceIn } = twoRegions();
  const service = serviceIn({ allowedRegions: ['eu-west-1'] });
  new AlbPrivateLinkRouter(edge, 'Router', { vpc, routes: [{ path: '/orders', producer: service }] });
  Template.fromStack(services).hasResourceProperties('AWS::EC2::VPCEndpointService', { SupportedRegions: ['eu-west-1'] });
  Template.fromStack(edge).hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceRegion: 'us-east-1',
    SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: edge.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet) })),
  });
  // The producer's Region, not `AWS::Region`, which would resolve to the consumer's.
  const [endpoint] = Object.values(Template.fromStack(edge).findResources('AWS::EC2::VPCEndpoint'));
  expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('"com.amazonaws.vpce.us-east-1"');
  expect(JSON.stringify(endpoint.Properties.ServiceName)).not.toContain('AWS::Region');
  Annotations.fromStack(edge).hasWarning('*', Match.stringLikeRegexp(
    "Edge/Router/PrivateLinkServicesService[0-9A-F]{8}: endpointSubnets: producer 'Services/Service' is in us-east-1, whose zones are not this Region's"));
});

test('a route to a producer in another Region that does not admit the consumer\'s fails, naming both Regions', () => {
  const { edge, vpc, serviceIn } = twoRegions();
  const service = serviceIn({ allowedRegions: ['eu-central-1'] });
  expect(() => new AlbPrivateLinkRouter(edge, 'Router', { vpc, routes: [{ path: '/orders', producer: service }] }))
    .toThrow(/^Edge\/Router\/orders: producer: 'Services\/Service' is in us-east-1 and admits endpoints from eu-central-1 and its own Region only; add 'eu-west-1' to its allowedRegions/);
});

test('a service imported with its Region makes a cross-Region endpoint; its zones are not checked', () => {
  const { edge, vpc } = twoRegions();
  const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(edge, 'Orders', {
    endpointServiceName: SERVICE_NAME,
    serviceRegion: 'us-east-1',
    availabilityZones: ['us-east-1a'],
  });
  new AlbPrivateLinkRouter(edge, 'Router', { vpc, routes: [{ path: '/orders', producer: orders }] });
  const template = Template.fromStack(edge);
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: SERVICE_NAME, ServiceRegion: 'us-east-1' });
  // Both of the consumer's zones, though the import names one zone of its own Region.
  const [endpoint] = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
  expect(endpoint.Properties.SubnetIds).toHaveLength(2);
});

test('a route in the producer\'s Region makes an ordinary endpoint', () => {
  const { stack, vpc } = consumerStack({ inEuWest1: true });
  const sameRegionName = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
  const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Orders', { endpointServiceName: sameRegionName, serviceRegion: 'eu-west-1' });
  new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producer: orders }] });
  Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: sameRegionName, ServiceRegion: Match.absent() });
});

test('a service imported with a Region into a stack without one fails: the Regions cannot be compared', () => {
  const { stack, vpc } = consumerStack();
  const orders = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Orders', { endpointServiceName: SERVICE_NAME, serviceRegion: 'us-east-1' });
  expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producer: orders }] }))
    .toThrow(/^Test\/Router\/orders: producer: cannot tell at synth time whether producer 'Test\/Orders' \(Region us-east-1\) is in this stack's Region \(not known\); give the consumer's stack/);
});

test.each([
  ['its own Region', ['us-east-1'], /allowedRegions: 'us-east-1' is the producer's own Region/],
  ['a Region twice', ['eu-west-1', 'eu-west-1'], /allowedRegions: 'eu-west-1' is listed twice/],
  ['something else than a Region name', ['Europe'], /allowedRegions: 'Europe' is not a Region name such as 'eu-west-1'/],
])('a producer allowing %s is rejected', (_what, allowedRegions, message) => {
  const { serviceIn } = twoRegions();
  expect(() => serviceIn({ allowedRegions })).toThrow(new RegExp(`^Services/Service: ${message.source}`));
});

test('a producer allows no other Region by default', () => {
  const { services, serviceIn } = twoRegions();
  expect(serviceIn().allowedRegions).toEqual([]);
  Template.fromStack(services).hasResourceProperties('AWS::EC2::VPCEndpointService', { SupportedRegions: Match.absent() });
});

test.each([
  ['a serviceRegion that is no Region name', { serviceRegion: 'US East' }, /^Edge\/Orders: serviceRegion: 'US East' is not a Region name/],
  ['a service name of another Region than serviceRegion', { serviceRegion: 'eu-west-1' },
    /^Edge\/Orders: serviceRegion: service 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0' is in us-east-1, not eu-west-1; give serviceRegion: 'us-east-1'/],
  ['a service name of another Region, without serviceRegion', {},
    /^Edge\/Orders: serviceRegion: service 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0' is in us-east-1, not eu-west-1/],
])('an import with %s is rejected', (_what, attributes, message) => {
  const { edge } = twoRegions();
  expect(() => PrivateLinkProducer.fromPrivateLinkProducerAttributes(edge, 'Orders', { endpointServiceName: SERVICE_NAME, ...attributes }))
    .toThrow(message);
});
