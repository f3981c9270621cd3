import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { consumerStack, groupIdOf, LISTENERS, logicalId, producer } from './fixtures';
import { failingControlsUnder, findings } from './judges';
import {
  AddPrivateLinkRouteOptions, AlbPrivateLinkRouter, IPrivateLinkProducer, PrivateLinkProducer, PrivateLinkRoute, RouteAuthentication,
  RouterMonitoring, RouterMonitoringProps, WeightedPrivateLinkProducer,
} from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

/** A stack with two producers of the same service in two VPCs: `old` on port 8080, `next` on 9090. */
function twoProducers() {
  const { stack, vpc } = consumerStack();
  const oldWeb = producer(stack, 'OldWeb');
  const nextWeb = producer(stack, 'NextWeb');
  const old = new PrivateLinkProducer(stack, 'Old', { vpc: oldWeb.vpc, instances: oldWeb.instances, port: 8080 });
  const next = new PrivateLinkProducer(stack, 'Next', { vpc: nextWeb.vpc, instances: nextWeb.instances, port: 9090 });
  return { stack, vpc, old, next, oldWeb };
}

/** The forward action of the stack's only listener rule. */
function forwardActionOf(stack: Stack): Record<string, any> {
  const rules = Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
  expect(rules).toHaveLength(1);
  return rules[0].Properties.Actions.find((action: any) => action.Type === 'forward');
}

describe.each(Object.entries(LISTENERS))('a weighted PrivateLinkRoute on an %s listener', (kind, listenerIn) => {
  function setup() {
    const fixture = twoProducers();
    return { ...fixture, listener: listenerIn(fixture.stack, fixture.vpc) };
  }

  test('spreads the rule\'s requests over one target group per producer, by weight, in the given order', () => {
    const { stack, vpc, listener, old, next } = setup();
    const route = new PrivateLinkRoute(stack, 'Route', {
      listener, vpc, path: '/orders', producers: [{ producer: old, weight: 90 }, { producer: next, weight: 10 }],
    });
    expect(route.destinations.map((d) => [d.producer, d.port, d.weight])).toEqual([[old, 8080, 90], [next, 9090, 10]]);
    expect(forwardActionOf(stack)).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: route.destinations.map((d) => ({ TargetGroupArn: { Ref: logicalId(stack, d.targetGroup) }, Weight: d.weight })),
      },
    });
    // The route's single-producer attributes are the first producer's.
    expect([route.producer, route.port, route.targetGroup]).toEqual([old, 8080, route.destinations[0].targetGroup]);
  });

  test('builds and health-checks a producer at weight 0 like any other', () => {
    const { stack, vpc, listener, old, next } = setup();
    const route = new PrivateLinkRoute(stack, 'Route', {
      listener, vpc, path: '/orders', producers: [{ producer: old, weight: 100 }, { producer: next, weight: 0 }],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.resourceCountIs('Custom::EndpointIpAddresses', 2);
    const standby = route.destinations[1];
    expect(standby.weight).toBe(0);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: stack.resolve(next.endpointServiceName) });
    expect(template.toJSON().Resources[logicalId(stack, standby.targetGroup)].Properties).toMatchObject({
      Port: 9090,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/',
      Targets: [0, 1].map(() => ({ Id: expect.anything(), Port: 9090 })),
    });
  });

  test('warns of producers the ALB checks differently, and of stickiness with one producer', () => {
    const { stack, vpc, listener, old, oldWeb } = setup();
    const warningsOf = (route: PrivateLinkRoute) => Annotations.fromStack(stack).findWarning(`/${route.node.path}`, Match.anyValue())
      .map(({ entry }) => String(entry.data).replace(/ \[ack: .*\]$/, ''));
    const withCheck = (id: string, healthCheck: elbv2.HealthCheck) =>
      new PrivateLinkProducer(stack, `${id}Producer`, { vpc: oldWeb.vpc, instances: oldWeb.instances, port: 8080, healthCheck });
    const routeTo = (id: string, path: string, other: IPrivateLinkProducer) => new PrivateLinkRoute(stack, id, {
      listener, vpc, path, producers: [{ producer: old, weight: 1 }, { producer: other, weight: 1 }],
    });
    const differ = (route: PrivateLinkRoute, other: string, difference: string) => expect(warningsOf(route)).toEqual([
      `Test/${route.node.id}: producers: the ALB checks producers[0] ('Test/Old') and producers[1] ('Test/${other}Producer') differently (${difference}). ALB does not move a share to the other producers when its group has no healthy address, so the same fault costs their shares differently; give the producers alike health checks, or acknowledge this.`,
    ]);
    differ(routeTo('ByPath', '/path', withCheck('Health', { path: '/health' })), 'Health', 'path / against /health');
    differ(routeTo('ByCodes', '/codes', withCheck('Codes', { healthyHttpCodes: '200-299' })), 'Codes', 'codes 200 against 200-299');
    // ALB's defaults: out after 2 x 30 s, back after 5 x 30 s.
    differ(routeTo('Fast', '/fast', withCheck('Fast', { interval: Duration.seconds(10) })), 'Fast', 'an address is taken out after 60 s against 20 s');
    differ(routeTo('Slow', '/slow', withCheck('Slow', { healthyThresholdCount: 2, unhealthyThresholdCount: 2 })), 'Slow',
      'an address is put back after 150 s against 60 s');
    // What the targets serve is no difference to warn of: a move to HTTPS.
    const https = new PrivateLinkProducer(stack, 'HttpsProducer', {
      vpc: oldWeb.vpc, instances: oldWeb.instances, port: 8443, targetProtocol: elbv2.ApplicationProtocol.HTTPS,
    });
    expect(warningsOf(routeTo('ToHttps', '/to-https', https))).toEqual([]);
    // Twice as long is still comparable; a token cannot be compared.
    expect(warningsOf(routeTo('Close', '/close', withCheck('Close', { interval: Duration.seconds(15) })))).toEqual([]);
    expect(warningsOf(routeTo('Token', '/token', withCheck('Token', { path: Token.asString({ Ref: 'HealthPath' }) })))).toEqual([]);

    const single = new PrivateLinkRoute(stack, 'Single', { listener, vpc, path: '/single', producers: [{ producer: old, weight: 1 }], stickinessDuration: Duration.hours(1) });
    expect(warningsOf(single)).toEqual([
      'Test/Single: stickinessDuration: keeps clients on one of several producers, and producers lists one; it does nothing until another is added.',
    ]);
  });

  test('opens each producer\'s endpoint to the listener\'s load balancer on that producer\'s port only', () => {
    const { stack, vpc, listener, old, next } = setup();
    const route = new PrivateLinkRoute(stack, 'Route', {
      listener, vpc, path: '/orders', producers: [{ producer: old, weight: 1 }, { producer: next, weight: 1 }],
    });
    const albGroupId = kind === 'owned' ? groupIdOf(stack, listener.connections.securityGroups[0]) : 'sg-0123456789abcdef0';
    const ingress = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(({ Properties: rule }) => JSON.stringify(rule.SourceSecurityGroupId) === JSON.stringify(albGroupId))
      .map(({ Properties: rule }) => [rule.GroupId, rule.SourceSecurityGroupId, rule.IpProtocol, rule.FromPort, rule.ToPort]);
    expect(ingress).toEqual(route.destinations
      .map((d) => [groupIdOf(stack, d.privateLinkTargetGroup.connections.securityGroups[0]), albGroupId, 'tcp', d.port, d.port]));
  });

  test('keeps each client on its producer for stickinessDuration', () => {
    const { stack, vpc, listener, old, next } = setup();
    new PrivateLinkRoute(stack, 'Route', {
      listener, vpc, path: '/orders', producers: [{ producer: old, weight: 1 }, { producer: next, weight: 1 }], stickinessDuration: Duration.hours(1),
    });
    expect(forwardActionOf(stack).ForwardConfig.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 3600 });
  });

  test('keeps every logical ID of its first producer when it goes from producer to producers', () => {
    const logicalIdsOf = (producers: (old: IPrivateLinkProducer, next: IPrivateLinkProducer) => WeightedPrivateLinkProducer[] | undefined) => {
      const { stack, vpc, listener, old, next } = setup();
      const weighted = producers(old, next);
      const route = new PrivateLinkRoute(stack, 'Route', { listener, vpc, path: '/orders', ...(weighted ? { producers: weighted } : { producer: old }) });
      // Logical IDs under the route's consumer side of `next`, `Route/PrivateLink<next's unique ID>`.
      const resources: Record<string, any> = Template.fromStack(stack).toJSON().Resources;
      return { resources, nextSide: `${route.node.id}PrivateLink${Names.nodeUniqueId(next.node)}` };
    };
    const single = Object.keys(logicalIdsOf(() => undefined).resources);
    const weighted = logicalIdsOf((old, next) => [{ producer: old, weight: 100 }, { producer: next, weight: 0 }]);
    expect(Object.keys(weighted.resources)).toEqual(expect.arrayContaining(single));
    // What is added is the second producer's consumer side, and the security group rules that reach it.
    const added = Object.entries(weighted.resources).filter(([id]) => !single.includes(id));
    expect(added.filter(([id]) => id.startsWith(weighted.nextSide)).map(([, resource]) => resource.Type).sort())
      .toEqual(['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::VPCEndpoint', 'AWS::ElasticLoadBalancingV2::TargetGroup',
        'Custom::EndpointIpAddresses']);
    // The ALB's way out to it, on the listener's security group.
    expect(added.filter(([id]) => !id.startsWith(weighted.nextSide)).map(([, resource]) => resource.Type)).toEqual(['AWS::EC2::SecurityGroupEgress']);
  });
});

describe('a weighted route of a router', () => {
  test('authenticates, then spreads the requests by weight', () => {
    const { stack, vpc, old, next } = twoProducers();
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc')],
      routes: [{
        path: '/orders',
        producers: [{ producer: old, weight: 3 }, { producer: next, weight: 1 }],
        authentication: RouteAuthentication.jwt({ issuer: 'https://login.example.com', jwksEndpoint: 'https://login.example.com/jwks.json' }),
      }],
    });
    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rule.Properties.Actions.map((action: any) => [action.Type, action.Order])).toEqual([['jwt-validation', 1], ['forward', 2]]);
    expect(rule.Properties.Actions[1].ForwardConfig.TargetGroups.map((group: any) => group.Weight)).toEqual([3, 1]);
    expect(router.routes[0].destinations).toHaveLength(2);
  });

  test('shares the consumer side of a producer with the router\'s other routes to it', () => {
    const { stack, vpc, old, next } = twoProducers();
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/orders', producers: [{ producer: old, weight: 50 }, { producer: next, weight: 50 }] },
        { path: '/refunds', producer: next },
      ],
    });
    const [orders, refunds] = router.routes;
    expect(orders.destinations[1].targetGroup).toBe(refunds.targetGroup);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  test('a producer may serve two of its ports to one weighted route', () => {
    const { stack, vpc, old, oldWeb } = twoProducers();
    old.addPort(8443, { instances: oldWeb.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc, routes: [{ path: '/orders', producers: [{ producer: old, weight: 1 }, { producer: old, weight: 1, port: 8443 }] }],
    });
    expect(router.routes[0].destinations.map((d) => d.port)).toEqual([8080, 8443]);
    expect(router.routes[0].destinations[0].privateLinkTargetGroup).toBe(router.routes[0].destinations[1].privateLinkTargetGroup);
  });
});

describe('a weighted route is rejected at synth', () => {
  function routeWith(props: Record<string, unknown>, producers = (old: IPrivateLinkProducer, next: IPrivateLinkProducer) =>
    [{ producer: old, weight: 1 }, { producer: next, weight: 1 }] as WeightedPrivateLinkProducer[]) {
    const { stack, vpc, old, next } = twoProducers();
    return () => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producers: producers(old, next), ...props }] });
  }

  test.each([
    ['more than 5 producers', (old: IPrivateLinkProducer) => Array.from({ length: 6 }, (_, index) => ({ producer: old, weight: 1, port: 8080 + index })),
      /^Test\/Router\/orders: producers: lists 6 producers; an ALB forward action spreads requests over at most 5 target groups/],
    ['no producer', () => [], /^Test\/Router\/orders: producers: is empty; /],
    ['a weight below 0', (old: IPrivateLinkProducer, next: IPrivateLinkProducer) => [{ producer: old, weight: -1 }, { producer: next, weight: 1 }],
      /^Test\/Router\/orders: producers\[0\]\.weight: must be an integer from 0 to 999, got -1\.$/],
    ['a weight above 999', (old: IPrivateLinkProducer, next: IPrivateLinkProducer) => [{ producer: old, weight: 1 }, { producer: next, weight: 1000 }],
      /^Test\/Router\/orders: producers\[1\]\.weight: must be an integer from 0 to 999, got 1000\.$/],
    ['a fractional weight', (old: IPrivateLinkProducer) => [{ producer: old, weight: 0.5 }],
      /^Test\/Router\/orders: producers\[0\]\.weight: must be an integer from 0 to 999, got 0\.5\.$/],
    ['a weight that is a token', (old: IPrivateLinkProducer) => [{ producer: old, weight: Token.asNumber({ Ref: 'Weight' }) }],
      /^Test\/Router\/orders: producers\[0\]\.weight: must be known at synth time, not a token\.$/],
    ['every weight 0', (old: IPrivateLinkProducer, next: IPrivateLinkProducer) => [{ producer: old, weight: 0 }, { producer: next, weight: 0 }],
      /^Test\/Router\/orders: producers: every weight is 0, so no producer would get a request; /],
    ['a producer and port listed twice', (old: IPrivateLinkProducer, next: IPrivateLinkProducer) =>
      [{ producer: old, weight: 1 }, { producer: next, weight: 1 }, { producer: old, weight: 5, port: 8080 }],
    /^Test\/Router\/orders: producers\[2\]: is producer 'Test\/Old' on port 8080, as producers\[0\] is; list each producer and port once/],
    ['a port the producer does not offer', (old: IPrivateLinkProducer, next: IPrivateLinkProducer) => [{ producer: old, weight: 1 }, { producer: next, weight: 1, port: 8080 }],
      /^Test\/Router\/orders: producers\[1\]: port: producer 'Test\/Next' offers port 9090, not 8080; /],
  ])('%s', (_case, producers, message) => {
    expect(routeWith({}, producers as never)).toThrow(message);
  });

  test('two imports of one endpoint service on one port, which would be the same service twice', () => {
    const { stack, vpc } = consumerStack();
    const imports = ['A', 'B'].map((id) => PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, id, { endpointServiceName: SERVICE_NAME, port: 8080 }));
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producers: imports.map((p) => ({ producer: p, weight: 1 })) }] }))
      .toThrow(/^Test\/Router\/orders: producers\[1\]: is producer 'Test\/B' on port 8080, as producers\[0\] is; /);
  });

  test.each([
    ['producer', (old: IPrivateLinkProducer) => ({ producer: old })],
    ['producerVpc', () => ({ producerVpc: new ec2.Vpc(new Stack(), 'Other') })],
    ['port', () => ({ port: 8080 })],
    ['healthCheck', () => ({ healthCheck: { path: '/health' } })],
  ])('together with %s, which belongs to a single producer', (prop, extra) => {
    const { stack, vpc, old, next } = twoProducers();
    const props = extra(old);
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc, routes: [{ path: '/orders', producers: [{ producer: old, weight: 1 }, { producer: next, weight: 1 }], ...props }],
    })).toThrow(new RegExp(`^Test/Router/orders: producers: a weighted route takes its producers, their ports and the ports' settings \\(health checks, deregistration delays, protocols\\) from producers; leave out ${prop} `));
  });

  test.each([
    [Duration.seconds(0), '0 seconds'],
    [Duration.days(8), '8 days'],
    [Duration.millis(1500), '1 second 500 millis'],
  ])('stickinessDuration of %s, outside ALB\'s 1 second to 7 days', (stickinessDuration, shown) => {
    expect(routeWith({ stickinessDuration })).toThrow(
      new RegExp(`^Test/Router/orders: stickinessDuration: must be a whole number of seconds from 1 second to 7 days, got ${shown}`));
  });

  test('stickinessDuration without producers', () => {
    const { stack, vpc, old } = twoProducers();
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/orders', producer: old, stickinessDuration: Duration.hours(1) }] }))
      .toThrow(/^Test\/Router\/orders: stickinessDuration: keeps each client on one producer of a weighted route; give producers, or leave stickinessDuration out\.$/);
  });
});

describe('a weighted route under RouterMonitoring', () => {
  function monitored(weights: [number, number], props: Partial<RouterMonitoringProps> = {}, moreRoutes: AddPrivateLinkRouteOptions[] = []) {
    const { stack, vpc, old, next } = twoProducers();
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [{ path: '/orders', producers: [{ producer: old, weight: weights[0] }, { producer: next, weight: weights[1] }] }, ...moreRoutes],
    });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router, alarmTopic: new sns.Topic(stack, 'OnCall'), ...props });
    return { stack, router, monitoring, old, next };
  }
  const actionsEnabledOf = (stack: Stack, alarms: cloudwatch.Alarm[]) =>
    alarms.map((alarm) => Template.fromStack(stack).toJSON().Resources[logicalId(stack, alarm)].Properties.ActionsEnabled);

  test('watches each producer\'s target group, on both sides, with the split in the rows\' titles', () => {
    const { stack, router, monitoring } = monitored([90, 10]);
    const [orders] = router.routes;
    const metricsOf = (alarm: cloudwatch.Alarm) => JSON.stringify(stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).metrics ?? null))
      + JSON.stringify(stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).dimensions ?? null));
    const alarms = monitoring.alarmsOf(orders);
    expect(alarms).toHaveLength(2 * 3);
    orders.destinations.forEach((destination, index) => {
      const own = alarms.slice(3 * index, 3 * index + 3);
      expect(own.map((alarm) => alarm.node.id)).toEqual(['NoHealthyEndpoint', 'NoHealthyTarget', 'ErrorRate']);
      const targetGroupName = JSON.stringify(stack.resolve(destination.targetGroup.targetGroupFullName));
      expect(metricsOf(own[0])).toContain(targetGroupName.slice(1, -1));
      expect(metricsOf(own[2])).toContain(targetGroupName.slice(1, -1));
    });
    const body = JSON.stringify(stack.resolve((monitoring.dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody));
    expect(body).toContain('/orders (weight 90 of 100): requests and failures');
    expect(body).toContain('/orders (weight 10 of 100): requests and failures');
  });

  test('a group that two weighted routes share shows its share of each in its rows\' titles', () => {
    const { stack, router, monitoring } = monitored([90, 10]);
    const [old, next] = router.routes[0].destinations.map((destination) => destination.producer);
    router.addRoute({ path: '/refunds', producers: [{ producer: old, weight: 1 }, { producer: next, weight: 1 }] });
    const body = JSON.stringify(stack.resolve((monitoring.dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody));
    expect(body).toContain('/orders, /refunds (/orders: weight 90 of 100; /refunds: weight 1 of 2): requests and failures');
  });

  test('keeps the alarms of a producer at weight 0 quiet until it gets a weight, unless told otherwise', () => {
    const standby = monitored([100, 0]);
    const [orders] = standby.router.routes;
    const alarms = standby.monitoring.alarmsOf(orders);
    expect(actionsEnabledOf(standby.stack, alarms)).toEqual([undefined, undefined, undefined, false, false, false]);

    const told = monitored([100, 0], { alarmOnStandbyProducers: true });
    expect(actionsEnabledOf(told.stack, told.monitoring.alarmsOf(told.router.routes[0]))).toEqual(Array(6).fill(undefined));
  });

  test('a producer that another route gives requests is not on standby', () => {
    const { stack, router, monitoring } = monitored([100, 0], {}, []);
    const refunds = router.addRoute({ path: '/refunds', producer: router.routes[0].destinations[1].producer });
    expect(actionsEnabledOf(stack, monitoring.alarmsOf(refunds))).toEqual([undefined, undefined, undefined]);
  });
});

describe('the judges on a weighted route', () => {
  /** A router with one route to `old`, or spread over `old` and `next`. */
  function routerOf(weighted: boolean): AlbPrivateLinkRouter {
    const { stack, vpc, old, next } = twoProducers();
    return new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [weighted ? { path: '/orders', producers: [{ producer: old, weight: 1 }, { producer: next, weight: 1 }] } : { path: '/orders', producer: old }],
    });
  }
  const routerFindings = (router: AlbPrivateLinkRouter) => findings(Stack.of(router)).filter((finding) => finding.includes(' Test/Router/'));

  test('add no cdk-nag finding to the router\'s', () => {
    expect(routerFindings(routerOf(true))).toEqual(routerFindings(routerOf(false)));
  });

  test('fail no Control Tower control that a route to one producer passes', () => {
    expect(Object.keys(failingControlsUnder(routerOf(true))).sort()).toEqual(Object.keys(failingControlsUnder(routerOf(false))).sort());
  });
});
