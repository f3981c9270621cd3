import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { consumerStack, producer } from './fixtures';
import { PrivateLinkProducer, PrivateLinkProducerAttributes, PrivateLinkProducerProps } from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

/** A producer `Test/Service` of two instances with `props`. */
function build(props: Partial<PrivateLinkProducerProps> = {}) {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, ...props });
  return { stack, web, service };
}

/** Health checks ELB refuses for the NLB's target group, the consumer's ALB's, or both. */
const BAD_HEALTH_CHECKS: Array<[string, elbv2.HealthCheck, RegExp]> = [
  ['an interval below 5 seconds', { interval: Duration.seconds(4) }, /healthCheck: interval: must be an integer from 5 to 300 seconds, got 4\./],
  ['an interval above 300 seconds', { interval: Duration.minutes(6) }, /healthCheck: interval: must be an integer from 5 to 300 seconds, got 360\./],
  ['an interval of a fraction of a second', { interval: Duration.millis(5500) }, /healthCheck: interval: ELB counts whole seconds, got 5 seconds 500 millis; give whole seconds/],
  ['a timeout below 2 seconds', { timeout: Duration.seconds(1) }, /healthCheck: timeout: must be an integer from 2 to 120 seconds, got 1\./],
  ['a timeout above 120 seconds', { interval: Duration.seconds(300), timeout: Duration.seconds(121) }, /healthCheck: timeout: must be an integer from 2 to 120 seconds, got 121\./],
  ['a timeout equal to the interval', { interval: Duration.seconds(10), timeout: Duration.seconds(10) }, /healthCheck: timeout: 10 seconds is not below the interval \(10 seconds\)/],
  ['a timeout not below the default interval', { timeout: Duration.seconds(30) }, /healthCheck: timeout: 30 seconds is not below the interval \(ELB's default, 30 seconds\)/],
  ['a healthy threshold of 1', { healthyThresholdCount: 1 }, /healthCheck: healthyThresholdCount: must be an integer from 2 to 10, got 1\./],
  ['a healthy threshold of 11', { healthyThresholdCount: 11 }, /healthCheck: healthyThresholdCount: must be an integer from 2 to 10, got 11\./],
  ['a fractional healthy threshold', { healthyThresholdCount: 2.5 }, /healthCheck: healthyThresholdCount: must be an integer from 2 to 10, got 2\.5\./],
  ['an unhealthy threshold of 1', { unhealthyThresholdCount: 1 }, /healthCheck: unhealthyThresholdCount: must be an integer from 2 to 10, got 1\./],
  ['an unhealthy threshold of 11', { unhealthyThresholdCount: 11 }, /healthCheck: unhealthyThresholdCount: must be an integer from 2 to 10, got 11\./],
  ['a path without a leading slash', { path: 'health' }, /healthCheck: path: 'health' is not a health-check path ELB takes: it must start with '\/'/],
  ['a path with a space', { path: '/health check' }, /healthCheck: path: '\/health check' is not a health-check path ELB takes/],
  ['a path longer than 1024 characters', { path: `/${'a'.repeat(1024)}` }, /healthCheck: path: '\/a+' is not a health-check path ELB takes: .*at most 1024 characters/],
  ['a 5xx code, which the consumer\'s ALB refuses', { healthyHttpCodes: '200-500' }, /healthCheck: healthyHttpCodes: '200-500' is outside 200-499/],
  ['a code below 200', { healthyHttpCodes: '199' }, /healthCheck: healthyHttpCodes: '199' is outside 200-499/],
  ['codes that are not codes', { healthyHttpCodes: 'ok' }, /healthCheck: healthyHttpCodes: 'ok' is not a list of HTTP codes and ranges/],
  ['an open range', { healthyHttpCodes: '200-' }, /healthCheck: healthyHttpCodes: '200-' is not a list of HTTP codes and ranges/],
  ['a reversed range', { healthyHttpCodes: '299-200' }, /healthCheck: healthyHttpCodes: '299-200' is not a list of HTTP codes and ranges/],
  ['codes with spaces', { healthyHttpCodes: '200, 202' }, /healthCheck: healthyHttpCodes: '200, 202' is not a list of HTTP codes and ranges/],
  // The NLB has no gRPC check; an import's check is the ALB's, which matches gRPC codes on a GRPC port only.
  ['gRPC codes', { healthyGrpcCodes: '0' }, /healthCheck: healthyGrpcCodes: (the NLB has no gRPC check|the port's protocolVersion is HTTP1)/],
  ['a UDP check', { protocol: elbv2.Protocol.UDP }, /healthCheck: protocol UDP is not one (a Network Load Balancer checks with; give HTTP, HTTPS or TCP|the consumer's ALB checks with; give HTTP or HTTPS)/],
];

describe('a producer\'s health check, which configures its NLB and the consumer\'s ALB', () => {
  test.each(BAD_HEALTH_CHECKS)('with %s is rejected naming the producer', (_what, healthCheck, message) => {
    expect(() => build({ healthCheck })).toThrow(new RegExp(`^Test/Service: ${message.source}`));
  });

  test.each(BAD_HEALTH_CHECKS)('with %s is rejected on an added port, naming the port', (_what, healthCheck, message) => {
    const { web, service } = build();
    expect(() => service.addPort(9090, { instances: web.instances, healthCheck })).toThrow(new RegExp(`^Test/Service/Port9090: ${message.source}`));
  });

  test.each(BAD_HEALTH_CHECKS)('with %s is rejected on an import, which configures the consumer\'s ALB', (_what, healthCheck, message) => {
    const { stack } = consumerStack();
    expect(() => PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', { endpointServiceName: SERVICE_NAME, healthCheck }))
      .toThrow(new RegExp(`^Test/Shared: ${message.source}`));
  });

  test('at the edges of every range is accepted, and the NLB keeps what was given', () => {
    const { stack } = build({
      healthCheck: {
        interval: Duration.seconds(5),
        timeout: Duration.seconds(2),
        healthyThresholdCount: 10,
        unhealthyThresholdCount: 2,
        path: `/${'a'.repeat(1023)}`,
        healthyHttpCodes: '200,202,300-499',
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 10, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200,202,300-499' },
    });
  });

  test('that is a token passes unchecked', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const interval = Duration.seconds(Token.asNumber({ Ref: 'Interval' }));
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, healthCheck: { interval } })).not.toThrow();
  });
});

test.each<[string, Duration, RegExp]>([
  ['above an hour', Duration.seconds(3601), /deregistrationDelay: must be whole seconds from 0 to 3600, got 1 hour 1 second\./],
  ['of a fraction of a second', Duration.millis(500), /deregistrationDelay: must be whole seconds from 0 to 3600, got 500 millis\./],
])('a deregistration delay %s is rejected on a producer, an added port and an import', (_what, deregistrationDelay, message) => {
  expect(() => build({ deregistrationDelay })).toThrow(new RegExp(`^Test/Service: ${message.source}`));
  const { web, service, stack } = build();
  expect(() => service.addPort(9090, { instances: web.instances, deregistrationDelay })).toThrow(new RegExp(`^Test/Service/Port9090: ${message.source}`));
  expect(() => PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
    endpointServiceName: SERVICE_NAME, additionalPorts: [{ port: 9090, deregistrationDelay }],
  })).toThrow(new RegExp(`^Test/Shared: additionalPorts: port 9090: ${message.source}`));
});

test('a deregistration delay of 0 (drain nothing) is accepted', () => {
  const { stack } = build({ deregistrationDelay: Duration.seconds(0) });
  Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }]),
  });
});

describe('IP address targets', () => {
  test.each([
    ['not an address', 'web-1', /ipAddresses: 'web-1' is not an IPv4 address such as '10.0.1.10'/],
    ['an octet above 255', '10.0.300.1', /ipAddresses: '10.0.300.1' is not an IPv4 address/],
    ['a leading zero', '10.0.01.1', /ipAddresses: '10.0.01.1' is not an IPv4 address/],
    ['a CIDR', '10.0.1.0/24', /ipAddresses: '10.0.1.0\/24' is not an IPv4 address/],
    ['spaces', ' 10.0.1.10', /ipAddresses: ' 10.0.1.10' is not an IPv4 address/],
    ['an IPv6 address', 'fd00::1', /ipAddresses: 'fd00::1' is not an IPv4 address/],
    ['a public address outside the VPC', '8.8.8.8', /ipAddresses: '8.8.8.8' is neither in the VPC's subnets nor in 10.0.0.0\/8, 172.16.0.0\/12, 192.168.0.0\/16, 100.64.0.0\/10; ELB registers no publicly routable address/],
    ['a link-local address', '169.254.169.254', /ipAddresses: '169.254.169.254' is neither in the VPC's subnets nor in/],
  ])('%s is rejected', (_what, address, message) => {
    expect(() => build({ instances: undefined, ipAddresses: [address] })).toThrow(new RegExp(`^Test/Service: ${message.source}`));
  });

  test('a public address in the VPC\'s own subnets is accepted', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Web', {
      ipAddresses: ec2.IpAddresses.cidr('52.10.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc, ipAddresses: ['52.10.0.20'] })).not.toThrow();
  });

  test('an address outside the VPC is registered for every zone, as ELB requires; one inside is not', () => {
    const { stack } = build({ instances: undefined, ipAddresses: ['10.0.1.10', '100.64.0.5'] });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Targets: [{ Id: '10.0.1.10', Port: 80 }, { Id: '100.64.0.5', Port: 80, AvailabilityZone: 'all' }],
    });
  });
});

describe('allowedPrincipals', () => {
  test.each([
    ['an account ID alone', '111111111111'],
    ['a short account ID', 'arn:aws:iam::11111:root'],
    ['a role with a path', 'arn:aws:iam::111111111111:role/teams/orders'],
    ['an assumed-role session', 'arn:aws:sts::111111111111:assumed-role/Admin/me'],
    ['a service principal', 'ec2.amazonaws.com'],
  ])('%s is rejected', (_what, arn) => {
    expect(() => build({ allowedPrincipals: [new iam.ArnPrincipal(arn)] }))
      .toThrow(new RegExp(`^Test/Service: allowedPrincipals: '${arn.replace(/[./]/g, '\\$&')}' is not a principal an endpoint service admits`));
  });

  test.each([
    'arn:aws:iam::111111111111:root', 'arn:aws:iam::111111111111:role/orders-consumer', 'arn:aws:iam::111111111111:user/ci',
    'arn:aws-cn:iam::111111111111:root', '*',
  ])('%s is accepted', (arn) => {
    expect(() => build({ allowedPrincipals: [new iam.ArnPrincipal(arn)] })).not.toThrow();
  });
});

describe('a producer admitting other Regions', () => {
  test('in one Availability Zone warns: AWS recommends two for a service offered across Regions', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const web = producer(stack, 'Web', 1, 1);
    new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, allowedRegions: ['eu-west-1'] });
    Annotations.fromStack(stack).hasWarning('/Test/Service', Match.stringLikeRegexp(
      'Test/Service: vpcSubnets: the producer admits other Regions \\(eu-west-1\\) but its load balancer is in 1 Availability Zone only'));
  });

  test('in two Availability Zones does not warn', () => {
    const { stack } = build({ allowedRegions: ['eu-west-1'] });
    Annotations.fromStack(stack).hasNoWarning('/Test/Service', Match.stringLikeRegexp('admits other Regions'));
  });
});

describe('an import', () => {
  test.each<[string, Partial<PrivateLinkProducerAttributes>, RegExp]>([
    ['a service ID for a name', { endpointServiceName: 'vpce-svc-0123456789abcdef0' },
      /endpointServiceName: 'vpce-svc-0123456789abcdef0' is not an endpoint service name such as 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0'/],
    ['a DNS name for a name', { endpointServiceName: 'vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com' }, /endpointServiceName: '.*' is not an endpoint service name/],
    ['a name with capitals', { endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789ABCDEF0' }, /endpointServiceName: '.*' is not an endpoint service name/],
    ['a name with a space', { endpointServiceName: `${SERVICE_NAME} ` }, /endpointServiceName: '.*' is not an endpoint service name/],
    ['a name without a Region', { endpointServiceName: 'com.amazonaws.vpce.vpce-svc-0123456789abcdef0' }, /endpointServiceName: '.*' is not an endpoint service name/],
    ['a zone ID for a zone', { availabilityZones: ['euw1-az1'] }, /availabilityZones: 'euw1-az1' is not an Availability Zone name such as 'eu-west-1a'/],
    ['a Region for a zone', { availabilityZones: ['eu-west-1'] }, /availabilityZones: 'eu-west-1' is not an Availability Zone name/],
    ['a zone of another Region', { availabilityZones: ['us-east-1a'] }, /availabilityZones: 'us-east-1a' is a zone of us-east-1, not of the service's Region eu-west-1/],
    ['a zone twice', { availabilityZones: ['eu-west-1a', 'eu-west-1a'] }, /availabilityZones: 'eu-west-1a' is listed twice/],
    ['a deregistration delay above an hour', { deregistrationDelay: Duration.hours(2) }, /deregistrationDelay: must be whole seconds from 0 to 3600/],
  ])('with %s is rejected', (_what, attributes, message) => {
    const { stack } = consumerStack();
    expect(() => PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
      endpointServiceName: SERVICE_NAME, serviceRegion: 'eu-west-1', ...attributes,
    })).toThrow(new RegExp(`^Test/Shared: ${message.source}`));
  });

  test('with a Local Zone is accepted', () => {
    const { stack } = consumerStack();
    const shared = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
      endpointServiceName: SERVICE_NAME, serviceRegion: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1-lhr-1a'],
    });
    expect(shared.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1-lhr-1a']);
  });
});

test.each<[string, (service: PrivateLinkProducer) => unknown]>([
  ['metricHealthyHostCount', (service) => service.metricHealthyHostCount({ period: Duration.seconds(45) })],
  ['metricUnhealthyHostCount', (service) => service.metricUnhealthyHostCount({ period: Duration.seconds(45) })],
  ['metricProcessedBytes', (service) => service.metricProcessedBytes({ period: Duration.seconds(45) })],
  ['metricNewFlowCount', (service) => service.metricNewFlowCount({ period: Duration.seconds(45) })],
  ['metricTcpTargetResetCount', (service) => service.metricTcpTargetResetCount({ period: Duration.seconds(45) })],
])('%s rejects a period CloudWatch refuses, naming the producer', (_method, metric) => {
  const { service } = build();
  expect(() => metric(service)).toThrow(/^Test\/Service: period: CloudWatch takes 1, 5, 10 or 30 seconds or a multiple of 60, got 45 seconds/);
});

test('a metric of a port the producer does not serve names the ports it does', () => {
  const { service } = build();
  expect(() => service.metricHealthyHostCount({ port: 0 })).toThrow(/^Test\/Service: port: the producer serves 80, not 0; add it with addPort\.$/);
});
