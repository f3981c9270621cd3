import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { buildRouter, consumerStack, expectLeastPrivilege, expectOnlyTcpBetween, groupIdOf, logicalId, producer, ProducerFixture } from './fixtures';
import { failingControlsUnder, findings } from './judges';
import { PrivateLinkConsumer, PrivateLinkProducer } from '../src';

/** The path the ALBs' listener rules answer; an ALB target needs one. */
const ALB_CHECK = { path: '/health' };

const ALB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/orders/0123456789abcdef';

/** Every case runs for an ALB defined in the app (listening on 8080) and for one imported by ARN. */
const ALBS = {
  owned: (web: ProducerFixture) => {
    const alb = new elbv2.ApplicationLoadBalancer(web.vpc, 'Alb', { vpc: web.vpc, internetFacing: false });
    alb.addListener('Http', { port: 8080, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    return alb;
  },
  imported: (web: ProducerFixture) => elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(web.vpc, 'Alb', {
    loadBalancerArn: ALB_ARN,
    securityGroupId: 'sg-0123456789abcdef0',
    securityGroupAllowsAllOutbound: false,
    vpc: web.vpc,
  }),
};

describe.each(Object.entries(ALBS))('a producer in front of an %s Application Load Balancer', (kind, albIn) => {
  function build() {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const alb = albIn(web);
    const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: alb, healthCheck: ALB_CHECK, port: 8080 });
    return { stack, alb, service, template: Template.fromStack(stack) };
  }

  test('registers the ALB in a target group of type alb, checked over HTTP', () => {
    const { stack, alb, template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'alb',
      Protocol: 'TCP',
      Port: 8080,
      HealthCheckProtocol: 'HTTP',
      Targets: [{ Id: kind === 'owned' ? { Ref: logicalId(stack, alb) } : ALB_ARN, Port: 8080 }],
    });
  });

  test('opens the ALB\'s security group on the port to the NLB only', () => {
    const { stack, alb, service, template } = build();
    const albGroup = kind === 'owned' ? groupIdOf(stack, alb.connections.securityGroups[0]) : 'sg-0123456789abcdef0';
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: albGroup,
      SourceSecurityGroupId: groupIdOf(stack, service.securityGroup),
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
    });
    expectOnlyTcpBetween(template, groupIdOf(stack, service.securityGroup), albGroup, 8080);
  });

  test.each<[elbv2.Protocol, RegExp]>([
    [elbv2.Protocol.TCP, /^Test\/Service: healthCheck: an Application Load Balancer target is checked through its listener, over HTTP as it serves the port, not TCP; leave protocol out\.$/],
    [elbv2.Protocol.HTTPS, /^Test\/Service: healthCheck: protocol HTTPS is not what the targets serve on the port \(targetProtocol HTTP\), so the check would fail; give HTTP or TCP, or leave it out\.$/],
  ])('rejects a %s health check: the ALB serves the consumer over HTTP', (protocol, message) => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new PrivateLinkProducer(stack, 'Service', {
      vpc: web.vpc, applicationLoadBalancer: albIn(web), port: 8080, healthCheck: { protocol },
    })).toThrow(message);
  });

  test('keeps a deregistration delay off the NLB\'s target group, where ELB takes no attributes, and gives it to the consumer\'s', () => {
    const { template } = buildRouter((web) => [{
      path: '/orders', producerVpc: web.vpc, applicationLoadBalancer: albIn(web), healthCheck: ALB_CHECK, port: 8080, deregistrationDelay: Duration.seconds(20),
    }]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'alb', TargetGroupAttributes: Match.absent() });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]),
    });
  });

  test('rejects the ALB combined with other targets', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: albIn(web), healthCheck: ALB_CHECK, instances: web.instances }))
      .toThrow(/^Test\/Service: applicationLoadBalancer: an Application Load Balancer cannot be combined with other targets/);
  });
});

test('the NLB target group of an ALB defined in the app waits for its listener on the port', () => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const alb = ALBS.owned(web);
  const service = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: alb, healthCheck: ALB_CHECK, port: 8080 });
  const targetGroup = Template.fromStack(stack).toJSON().Resources[logicalId(stack, service.targetGroup)];
  expect(targetGroup.DependsOn).toContain(logicalId(stack, alb.listeners[0]));
});

test('an ALB defined in the app without a listener on the producer\'s port is rejected', () => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: ALBS.owned(web), healthCheck: ALB_CHECK, port: 9090 }))
    .toThrow(/^Test\/Service: applicationLoadBalancer: 'Test\/Web\/Alb' has no listener on port 9090, the port it would serve/);
});

/** Every case of an ALB target serving HTTPS runs for an ALB defined in the app (HTTPS on 8443) and for one imported by ARN. */
const HTTPS_ALBS = {
  owned: (web: ProducerFixture) => {
    const alb = new elbv2.ApplicationLoadBalancer(web.vpc, 'Alb', { vpc: web.vpc, internetFacing: false });
    alb.addListener('Https', {
      port: 8443,
      open: false,
      certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc')],
      defaultAction: elbv2.ListenerAction.fixedResponse(200),
    });
    return alb;
  },
  imported: ALBS.imported,
};
const HTTPS_ALB_KINDS = Object.entries(HTTPS_ALBS);

describe.each(HTTPS_ALB_KINDS)('a producer in front of an %s Application Load Balancer serving HTTPS', (_kind, albIn) => {
  const { HTTPS } = elbv2.ApplicationProtocol;

  test('is checked by the NLB over HTTPS, and by the consumer\'s ALB over HTTPS', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const service = new PrivateLinkProducer(stack, 'Service', {
      vpc: web.vpc, applicationLoadBalancer: albIn(web), port: 8443, targetProtocol: HTTPS, healthCheck: ALB_CHECK,
    });
    const { targetGroup } = new PrivateLinkConsumer(stack, 'Edge', { vpc }).addPrivateLinkTargetGroup(service);
    const resources = Template.fromStack(stack).toJSON().Resources;
    expect(resources[logicalId(stack, service.targetGroup)].Properties).toMatchObject({ Protocol: 'TCP', TargetType: 'alb', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/health' });
    expect(resources[logicalId(stack, targetGroup)].Properties).toMatchObject({ Protocol: 'HTTPS', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/health' });
  });

  test.each<[string, Partial<ConstructorParameters<typeof PrivateLinkProducer>[2]>, RegExp]>([
    ['HTTP/2 over HTTP, which an ALB\'s HTTP listener does not speak', { protocolVersion: elbv2.ApplicationProtocolVersion.HTTP2 },
      /^Test\/Service: protocolVersion: an Application Load Balancer target takes HTTP2 on HTTPS listeners only; set targetProtocol HTTPS, with an HTTPS listener on the port\.$/],
    ['gRPC without a method for the consumer\'s check', { targetProtocol: HTTPS, protocolVersion: elbv2.ApplicationProtocolVersion.GRPC },
      /^Test\/Service: consumerHealthCheck: path: is required for a GRPC port of an Application Load Balancer target: ALB's default method would meet its default action/],
  ])('refuses %s', (_what, settings, message) => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: albIn(web), port: 8443, healthCheck: ALB_CHECK, ...settings }))
      .toThrow(message);
  });
});

test.each<[string, elbv2.ApplicationProtocol | undefined, string, RegExp]>([
  ['HTTPS, and the port HTTP', undefined, 'https',
    /^Test\/Service: applicationLoadBalancer: the listener of 'Test\/Web\/Alb' on port 8443 is HTTPS, but the consumer's ALB sends HTTP through the endpoint \(the port's targetProtocol\); make them agree\.$/],
  ['HTTP, and the port HTTPS', elbv2.ApplicationProtocol.HTTPS, 'http',
    /^Test\/Service: applicationLoadBalancer: the listener of 'Test\/Web\/Alb' on port 8443 is HTTP, but the consumer's ALB sends HTTPS through the endpoint \(the port's targetProtocol\); make them agree\.$/],
])('an ALB defined in the app whose listener on the port is %s, is rejected', (_what, targetProtocol, listenerKind, message) => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const alb = listenerKind === 'https' ? HTTPS_ALBS.owned(web) : new elbv2.ApplicationLoadBalancer(web.vpc, 'Alb', { vpc: web.vpc });
  if (listenerKind === 'http') alb.addListener('Http', { port: 8443, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: alb, healthCheck: ALB_CHECK, port: 8443, targetProtocol }))
    .toThrow(message);
});

test('an ALB in another VPC is rejected', () => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const other = producer(stack, 'Other');
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: other.vpc, applicationLoadBalancer: ALBS.owned(web), healthCheck: ALB_CHECK, port: 8080 }))
    .toThrow(/^Test\/Service: applicationLoadBalancer: 'Test\/Web\/Alb' is in VPC 'Test\/Web', not the producer's VPC 'Test\/Other'/);
});

test('a route creates a producer in front of an ALB, and every rule stays least-privilege', () => {
  const { stack, router, template } = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, applicationLoadBalancer: ALBS.owned(web), healthCheck: ALB_CHECK, port: 8080 }]);
  template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'alb' }, 1);
  expectLeastPrivilege(template, {
    allowedPorts: [80, 8080],
    worldGroup: logicalId(stack, router.loadBalancer.connections.securityGroups[0] as ec2.SecurityGroup),
    worldPort: 80,
  });
});

test('a route to an ALB target has no AwsSolutions finding of its own beyond the router\'s ALB logs', () => {
  const { stack } = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, applicationLoadBalancer: ALBS.imported(web), healthCheck: ALB_CHECK, port: 8080 }]);
  expect(findings(stack).filter((finding) => finding.includes(' Test/Router/'))).toEqual(['AwsSolutions-ELB2 Test/Router/LoadBalancer/Resource']);
});

test('the router fails no Control Tower control for a route to an ALB target that it does not fail for instances', () => {
  const toInstances = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, instances: web.instances, port: 8080 }]);
  const toTarget = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, applicationLoadBalancer: ALBS.imported(web), healthCheck: ALB_CHECK, port: 8080 }]);
  const forInstances = failingControlsUnder(toInstances.router);
  expect(forInstances['CT.ELASTICLOADBALANCING.PR.5']).toBe(2); // the judge sees the router's ALB and NLB
  expect(failingControlsUnder(toTarget.router)).toEqual(forInstances);
});

describe('an ALB target\'s health check goes through that ALB\'s listener rules', () => {
  test.each<[string, elbv2.HealthCheck | undefined]>([
    ['no health check', undefined],
    ['a health check without a path', { interval: Duration.seconds(10) }],
  ])('%s is rejected: the path must be one a rule answers', (_what, healthCheck) => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: ALBS.imported(web), port: 8080, healthCheck }))
      .toThrow(/^Test\/Service: healthCheck: path: is required for an Application Load Balancer target: the NLB's check \(and the consumer's\) reaches that ALB's listener rules, and '\/' may meet its default action/);
  });

  test('the path given is checked over HTTP by the NLB and by the consumer\'s ALB', () => {
    const { template } = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, applicationLoadBalancer: ALBS.imported(web), healthCheck: ALB_CHECK, port: 8080 }]);
    for (const TargetType of ['alb', 'ip']) {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType, HealthCheckProtocol: 'HTTP', HealthCheckPath: '/health' });
    }
  });
});

describe('an ALB target needs cross-zone load balancing on the NLB, as the ALB always has it', () => {
  test('crossZoneEnabled false with an ALB target is rejected', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    expect(() => new PrivateLinkProducer(stack, 'Service', {
      vpc: web.vpc, applicationLoadBalancer: ALBS.imported(web), healthCheck: ALB_CHECK, port: 8080, crossZoneEnabled: false,
    })).toThrow(/^Test\/Service: crossZoneEnabled: an Application Load Balancer target needs cross-zone load balancing on the NLB, as an ALB always has it, and producer 'Test\/Service' has crossZoneEnabled: false/);
  });

  test('an ALB added with addPort to a producer with crossZoneEnabled false is rejected, naming the port', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const shared = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, crossZoneEnabled: false });
    expect(() => shared.addPort(8080, { applicationLoadBalancer: ALBS.imported(web), healthCheck: ALB_CHECK }))
      .toThrow(/^Test\/Service\/Port8080: applicationLoadBalancer: an Application Load Balancer target needs cross-zone load balancing on the NLB/);
  });
});

describe('each ALB target counts 100 of the 500 targets a cross-zone NLB may have by default', () => {
  /** A producer in front of `count` imported ALBs, one per port from 8080. */
  function albPorts(count: number) {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const albs = Array.from({ length: count }, (_, index) => elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, `Alb${index}`, {
      loadBalancerArn: `${ALB_ARN}${index}`, securityGroupId: `sg-0123456789abcdef${index}`, securityGroupAllowsAllOutbound: false, vpc: web.vpc,
    }));
    const shared = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, applicationLoadBalancer: albs[0], healthCheck: ALB_CHECK, port: 8080 });
    albs.slice(1).forEach((alb, index) => shared.addPort(8081 + index, { applicationLoadBalancer: alb, healthCheck: ALB_CHECK }));
    return Annotations.fromStack(stack);
  }

  test('five ALB targets give no warning', () => {
    albPorts(5).hasNoWarning('/Test/Service', Match.stringLikeRegexp('targets by ELB'));
  });

  test('a sixth warns that the default quota must be raised', () => {
    albPorts(6).hasWarning('/Test/Service', Match.stringLikeRegexp(
      "Test/Service: the Network Load Balancer has 600 targets by ELB's count \\(each Application Load Balancer target counts 100\\), more than the 500 its default quota allows"));
  });
});
