import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerStack, expectLeastPrivilege, groupIdOf, logicalId, producer, securityGroupRules } from './fixtures';
import { failingControlsUnder, findings } from './judges';
import { AlbPrivateLinkRouter, IPrivateLinkProducer, PrivateLinkConsumer, PrivateLinkPortAttributes, PrivateLinkProducer, PrivateLinkRoute, PrivateLinkTargetGroup } from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

/**
 * A `Services` stack with one VPC and a producer `Shared` serving orders on 8080 and, added with
 * `addPort`, billing (other instances) on 9090.
 */
function sharedProducer(app = new App()) {
  const services = new Stack(app, 'Services');
  const orders = producer(services, 'Orders');
  const billing = new ec2.SecurityGroup(services, 'BillingSecurityGroup', { vpc: orders.vpc, allowAllOutbound: false });
  const billingInstance = new ec2.Instance(services, 'Billing', {
    vpc: orders.vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    securityGroup: billing,
  });
  const shared = new PrivateLinkProducer(services, 'Shared', { vpc: orders.vpc, instances: orders.instances, port: 8080 });
  const billingGroup = shared.addPort(9090, {
    instances: [billingInstance],
    healthCheck: { path: '/billing/health' },
    deregistrationDelay: Duration.seconds(15),
  });
  return { services, orders, billing, billingInstance, shared, billingGroup };
}

describe('a producer serving several ports', () => {
  test('has one load balancer and endpoint service, with a listener and target group per port', () => {
    const { services, shared } = sharedProducer();
    shared.addPort(9091, { instances: [services.node.findChild('OrdersInstance0') as ec2.Instance] });
    const template = Template.fromStack(services);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::EC2::VPCEndpointService', 1);
    const listeners = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((listener) => listener.Properties.Port).sort()).toEqual([8080, 9090, 9091]);
    for (const listener of listeners) {
      expect(listener.Properties).toMatchObject({ Protocol: 'TCP', LoadBalancerArn: { Ref: logicalId(services, shared.loadBalancer) } });
    }
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((group) => group.Properties.Port).sort()).toEqual([8080, 9090, 9091]);
  });

  test('each port\'s target group holds its own targets on that port, with its health check and delay', () => {
    const { services, billingInstance, billingGroup, shared } = sharedProducer();
    const template = Template.fromStack(services);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 9090,
      Protocol: 'TCP',
      TargetType: 'instance',
      Targets: [{ Id: { Ref: logicalId(services, billingInstance) }, Port: 9090 }],
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/billing/health',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '15' }]),
    });
    const firstGroup = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { Port: 8080 } });
    expect(Object.values(firstGroup)[0].Properties.Targets).toHaveLength(2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 9090,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(services, billingGroup) } }],
    });
    expect(shared.targetGroupFor(9090)).toBe(billingGroup);
    expect(shared.targetGroupFor(8080)).toBe(shared.targetGroup);
  });

  test('opens exactly each port to its own targets, from the load balancer', () => {
    const { services, orders, billing, shared } = sharedProducer();
    const template = Template.fromStack(services);
    const nlb = logicalId(services, shared.securityGroup);
    const portRules = securityGroupRules(template)
      .filter(({ rule }) => rule.IpProtocol === 'tcp')
      .map(({ group, direction, rule }) => [direction, group, rule.FromPort, rule.ToPort,
        (rule.SourceSecurityGroupId ?? rule.DestinationSecurityGroupId)['Fn::GetAtt'][0]].join(' '))
      .sort();
    expect(portRules).toEqual([
      `egress ${nlb} 8080 8080 ${logicalId(services, orders.securityGroup)}`,
      `egress ${nlb} 9090 9090 ${logicalId(services, billing)}`,
      `ingress ${logicalId(services, billing)} 9090 9090 ${nlb}`,
      `ingress ${logicalId(services, orders.securityGroup)} 8080 8080 ${nlb}`,
    ].sort());
  });

  test('lists its other ports with the settings the consumer\'s ALB needs', () => {
    const { shared } = sharedProducer();
    expect(shared.additionalPorts).toEqual([{ port: 9090, healthCheck: { path: '/billing/health' }, deregistrationDelay: Duration.seconds(15) }]);
    // A copy: the list cannot be changed from outside.
    shared.additionalPorts!.pop();
    expect(shared.additionalPorts).toHaveLength(1);
  });

  test('adding a port leaves the logical IDs of the first port\'s resources as they were', () => {
    const idsOf = (addPort: boolean) => {
      const services = new Stack(new App(), 'Services');
      const web = producer(services, 'Web');
      const shared = new PrivateLinkProducer(services, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8080 });
      if (addPort) shared.addPort(9090, { instances: web.instances });
      return Object.keys(Template.fromStack(services).toJSON().Resources);
    };
    const before = idsOf(false);
    const after = idsOf(true);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.filter((id) => !before.includes(id)).sort()).toEqual([
      expect.stringMatching(/^SharedPort9090Listener/),
      expect.stringMatching(/^SharedPort9090TargetGroup/),
      expect.stringMatching(/^SharedSecurityGrouptoServicesWebInstanceSecurityGroup.*9090/),
      expect.stringMatching(/^WebInstanceSecurityGroupfromServicesSharedSecurityGroup.*9090/),
    ]);
  });

  test.each<[string, (shared: PrivateLinkProducer, web: ReturnType<typeof producer>) => void, RegExp]>([
    ['its first port again', (shared, web) => shared.addPort(8080, { instances: web.instances }),
      /^Services\/Shared\/Port8080: port: producer 'Services\/Shared' serves port 8080 already; give each port once\.$/],
    ['an added port again', (shared, web) => {
      shared.addPort(9090, { instances: web.instances });
      shared.addPort(9090, { instances: web.instances });
    }, /^Services\/Shared\/Port9090: port: producer 'Services\/Shared' serves port 9090 already/],
    ['a port out of range', (shared, web) => shared.addPort(70000, { instances: web.instances }),
      /^Services\/Shared\/Port70000: port: must be an integer from 1 to 65535, got 70000\.$/],
    ['no targets', (shared) => shared.addPort(9090, {}), /^Services\/Shared\/Port9090: instances: no targets/],
    ['instances and IP addresses', (shared, web) => shared.addPort(9090, { instances: web.instances, ipAddresses: ['10.0.0.9'] }),
      /^Services\/Shared\/Port9090: ipAddresses: IP addresses cannot be combined with instances/],
    ['a TCP health check with a path', (shared, web) => shared.addPort(9090, {
      instances: web.instances, healthCheck: { protocol: elbv2.Protocol.TCP, path: '/h' },
    }), /^Services\/Shared\/Port9090: healthCheck: has a path or healthyHttpCodes/],
  ])('rejects %s, naming the port and the prop', (_what, add, message) => {
    const services = new Stack(new App(), 'Services');
    const web = producer(services, 'Web');
    const shared = new PrivateLinkProducer(services, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8080 });
    expect(() => add(shared, web)).toThrow(message);
  });

  test('a rejected port leaves the producer as it was', () => {
    const { services, shared } = sharedProducer();
    const before = Object.keys(Template.fromStack(services).toJSON().Resources);
    expect(() => shared.addPort(9091, {})).toThrow(/no targets/);
    expect(shared.node.tryFindChild('Port9091')).toBeUndefined();
    expect(shared.additionalPorts!.map((additional) => additional.port)).toEqual([9090]);
    expect(Object.keys(Template.fromStack(services).toJSON().Resources)).toEqual(before);
  });

  test('stops at ELB\'s 50 listeners per Network Load Balancer', () => {
    const services = new Stack(new App(), 'Services');
    const web = producer(services, 'Web');
    const shared = new PrivateLinkProducer(services, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8000 });
    for (let port = 8001; port < 8050; port++) shared.addPort(port, { instances: web.instances });
    expect(() => shared.addPort(8050, { instances: web.instances }))
      .toThrow(/^Services\/Shared\/Port8050: port: a Network Load Balancer has at most 50 listeners, a quota ELB does not raise, and producer 'Services\/Shared' has 50/);
  });

  test('names the ports it serves when asked for the target group of another', () => {
    const { shared } = sharedProducer();
    expect(() => shared.targetGroupFor(443)).toThrow(/^Services\/Shared: port: the producer serves 8080, 9090, not 443; add it with addPort\.$/);
  });
});

/** Every route test runs for the producer defined in the app and for the same service imported by name. */
const KINDS = ['owned', 'imported'] as const;

/**
 * A consumer stack and the shared producer of `sharedProducer` beside it, or the same service
 * (8080, and 9090 with its health check and delay) imported by name into the consumer stack.
 */
function withSharedProducer(kind: typeof KINDS[number]) {
  const { stack, vpc } = consumerStack();
  const shared: IPrivateLinkProducer = kind === 'owned'
    ? sharedProducer(stack.node.root as App).shared
    : PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
      endpointServiceName: SERVICE_NAME,
      port: 8080,
      additionalPorts: [{ port: 9090, healthCheck: { path: '/billing/health' }, deregistrationDelay: Duration.seconds(15) }],
    });
  return { stack, vpc, shared };
}

describe.each(KINDS)('routes to several ports of an %s producer', (kind) => {
  function routedPorts() {
    const { stack, vpc, shared } = withSharedProducer(kind);
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/orders', producer: shared },
        { path: '/billing', producer: shared, port: 9090 },
        { path: '/invoices', producer: shared, port: 9090 },
      ],
    });
    return { stack, vpc, shared, router, template: Template.fromStack(stack) };
  }

  test('share one interface endpoint and one IP lookup, with an ALB target group per port', () => {
    const { router, template, stack } = routedPorts();
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.resourceCountIs('Custom::EndpointIpAddresses', 1);
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((group) => group.Properties.Port).sort()).toEqual([8080, 9090]);
    const [orders, billing, invoices] = router.routes;
    expect([orders.port, billing.port, invoices.port]).toEqual([8080, 9090, 9090]);
    expect(billing.targetGroup).toBe(invoices.targetGroup);
    expect(billing.targetGroup).not.toBe(orders.targetGroup);
    expect(new Set(router.routes.map((route) => route.endpoint)).size).toBe(1);
    const forwardedTo = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))
      .map((rule) => rule.Properties.Actions[0].TargetGroupArn.Ref).sort();
    expect(forwardedTo).toEqual([orders, billing, invoices].map((route) => logicalId(stack, route.targetGroup)).sort());
  });

  test('each port\'s ALB target group sends the endpoint\'s addresses that port, checked with its own settings', () => {
    const { template } = routedPorts();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 9090,
      TargetType: 'ip',
      Targets: Match.arrayWith([Match.objectLike({ Port: 9090 })]),
      HealthCheckPath: '/billing/health',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '15' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/' });
  });

  test('open the endpoint to the ALB on exactly the routes\' ports', () => {
    const { stack, router, template } = routedPorts();
    const endpointGroup = router.endpointSecurityGroup;
    const albGroup = groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: groupIdOf(stack, endpointGroup) },
    })).map((rule) => [rule.Properties.SourceSecurityGroupId, rule.Properties.FromPort, rule.Properties.ToPort]);
    expect(ingress.sort()).toEqual([[albGroup, 8080, 8080], [albGroup, 9090, 9090]]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress', {
      Properties: { DestinationSecurityGroupId: groupIdOf(stack, endpointGroup) },
    })).map((rule) => [rule.Properties.GroupId, rule.Properties.FromPort]);
    expect(egress.sort()).toEqual([[albGroup, 8080], [albGroup, 9090]]);
  });

  test('a route to an added port alone makes no target group for the first port', () => {
    const { stack, vpc, shared } = withSharedProducer(kind);
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/billing', producer: shared, port: 9090 }] });
    const template = Template.fromStack(stack);
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((group) => group.Properties.Port)).toEqual([9090]);
  });

  test('removing the first route keeps the shared endpoint and the other port\'s target group', () => {
    const idsOf = (paths: Array<[string, number]>) => {
      const { stack, vpc, shared } = withSharedProducer(kind);
      new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: paths.map(([path, port]) => ({ path, producer: shared, port })) });
      return Object.keys(Template.fromStack(stack).toJSON().Resources);
    };
    const both = idsOf([['/orders', 8080], ['/billing', 9090]]);
    const billingOnly = idsOf([['/billing', 9090]]);
    const kept = billingOnly.filter((id) => /Endpoint|TargetGroup9090|EndpointIpAddresses/.test(id));
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(both).toEqual(expect.arrayContaining(billingOnly));
  });

  test('a route to a port the producer does not offer names the ports it does', () => {
    const { stack, vpc, shared } = withSharedProducer(kind);
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    expect(() => router.addRoute({ path: '/x', producer: shared, port: 443 }))
      .toThrow(/^Test\/Router\/x: port: producer '(Services|Test)\/Shared' offers ports 8080, 9090, not 443; serve it first, with the producer's addPort \(for an import, its additionalPorts\)\.$/);
  });
});

describe('the judges', () => {
  /** The owned shared producer, serving one port or both, and a router with a route to each port it serves. */
  function judged(ports: 'one port' | 'two ports') {
    const { stack, vpc } = consumerStack();
    const app = stack.node.root as App;
    const services = new Stack(app, 'Services');
    const web = producer(services, 'Web');
    const shared = new PrivateLinkProducer(services, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8080 });
    const routes = [{ path: '/orders', producer: shared }];
    if (ports === 'two ports') {
      shared.addPort(9090, { instances: web.instances });
      routes.push({ path: '/billing', producer: shared, port: 9090 } as typeof routes[number]);
    }
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes });
    return { stack, services, shared, router };
  }

  test('every security group rule on both sides stays least-privilege, on the two ports only', () => {
    const { stack, services, router } = judged('two ports');
    expectLeastPrivilege(Template.fromStack(services), { allowedPorts: [8080, 9090], worldGroup: 'none', worldPort: 0 });
    expectLeastPrivilege(Template.fromStack(stack), {
      allowedPorts: [80, 8080, 9090],
      worldGroup: logicalId(stack, router.loadBalancer.connections.securityGroups[0]),
      worldPort: 80,
    });
  });

  test('cdk-nag finds nothing in a producer serving two ports, nor in the routes to them', () => {
    const { stack, services } = judged('two ports');
    expect(findings(services).filter((finding) => finding.includes(' Services/Shared/'))).toEqual([]);
    expect(findings(stack).filter((finding) => finding.includes(' Test/Router/'))).toEqual(['AwsSolutions-ELB2 Test/Router/LoadBalancer/Resource']);
  });

  test('a second port fails no Control Tower control that one port does not, on either side', () => {
    const one = judged('one port');
    const two = judged('two ports');
    // The judge sees the producer: its NLB has no deletion protection by default.
    expect(failingControlsUnder(one.shared)['CT.ELASTICLOADBALANCING.PR.5']).toBe(1);
    expect(failingControlsUnder(two.shared)).toEqual(failingControlsUnder(one.shared));
    expect(failingControlsUnder(two.router)).toEqual(failingControlsUnder(one.router));
  });
});

describe('the parts on their own', () => {
  test('a PrivateLinkTargetGroup makes the group of its port, and addPort the group of another', () => {
    const { stack, vpc } = consumerStack();
    const shared = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
      endpointServiceName: SERVICE_NAME, port: 8080, additionalPorts: [{ port: 9090 }],
    });
    const group = new PrivateLinkTargetGroup(stack, 'Group', { vpc, producer: shared, port: 9090 });
    expect(group.port).toBe(9090);
    expect(group.targetGroup.node.id).toBe('TargetGroup9090');
    expect(group.targetGroupFor(9090)).toBe(group.targetGroup);
    expect(() => group.targetGroupFor(8080)).toThrow(/^Test\/Group: port: has target groups for 9090, not 8080; add it with addPort\.$/);
    const first = group.addPort(8080);
    expect(first.node.id).toBe('TargetGroup');
    expect(group.targetGroupFor(8080)).toBe(first);
    expect(group.ports).toEqual([9090, 8080]);
    expect(() => group.addPort(8080)).toThrow(/^Test\/Group: port: has a target group for port 8080 already; give each port once, or get it with targetGroupFor\.$/);
    expect(() => group.addPort(443)).toThrow(/^Test\/Group: port: producer 'Test\/Shared' offers ports 8080, 9090, not 443/);
    expect(() => new PrivateLinkTargetGroup(stack, 'Wrong', { vpc, producer: shared, port: 443 }))
      .toThrow(/^Test\/Wrong: port: producer 'Test\/Shared' offers ports 8080, 9090, not 443/);
  });

  test('PrivateLinkRoutes given one PrivateLinkConsumer share its endpoint: the first makes it with its port\'s group, the next adds its own', () => {
    const { stack, vpc } = consumerStack();
    const shared = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
      endpointServiceName: SERVICE_NAME, port: 8080, additionalPorts: [{ port: 9090 }],
    });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc });
    const billing = new PrivateLinkRoute(stack, 'Billing', { listener: router.listener, vpc, consumer, path: '/billing', producer: shared, port: 9090 });
    const orders = new PrivateLinkRoute(stack, 'Orders', { listener: router.listener, vpc, consumer, path: '/orders', producer: shared });
    const group = billing.privateLinkTargetGroup;
    expect(orders.privateLinkTargetGroup).toBe(group);
    expect(group.node.scope).toBe(consumer);
    expect(group.ports).toEqual([9090, 8080]);
    expect(billing.targetGroup).toBe(group.targetGroupFor(9090));
    expect(orders.targetGroup).toBe(group.targetGroupFor(8080));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(stack, group.targetGroupFor(9090)) } }],
    });
  });

  test.each<[string, PrivateLinkPortAttributes[], RegExp]>([
    ['its port again', [{ port: 8080 }], /^Test\/Shared: additionalPorts: port 8080 is listed twice, counting port; give each port once\.$/],
    ['a port twice', [{ port: 9090 }, { port: 9090 }], /^Test\/Shared: additionalPorts: port 9090 is listed twice/],
    ['a port out of range', [{ port: 0 }], /^Test\/Shared: additionalPorts: must be an integer from 1 to 65535, got 0\.$/],
    ['more than 49 ports besides its own', Array.from({ length: 50 }, (_, index) => ({ port: 9000 + index })),
      /^Test\/Shared: additionalPorts: a service has at most 50 ports \(listeners per Network Load Balancer, a quota ELB does not raise\), counting port; got 51\. List the ports it serves/],
    ['a port with a TCP health check, which the consumer\'s ALB cannot make', [{ port: 9090, healthCheck: { protocol: elbv2.Protocol.TCP } }],
      /^Test\/Shared: additionalPorts: port 9090: healthCheck: protocol TCP is not one the consumer's ALB checks with; give HTTP or HTTPS/],
  ])('an import listing %s in additionalPorts is rejected', (_what, additionalPorts, message) => {
    const { stack } = consumerStack();
    expect(() => PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', {
      endpointServiceName: SERVICE_NAME, port: 8080, additionalPorts,
    })).toThrow(message);
  });

  test('an import may list 49 ports besides its own: 50 listeners in all', () => {
    const { stack } = consumerStack();
    const additionalPorts = Array.from({ length: 49 }, (_, index) => ({ port: 9000 + index }));
    const shared = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', { endpointServiceName: SERVICE_NAME, port: 8080, additionalPorts });
    expect(shared.additionalPorts).toHaveLength(49);
  });
});
