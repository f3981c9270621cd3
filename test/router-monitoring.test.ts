import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { consumerStack, logicalId, producer } from './fixtures';
import { findings } from './judges';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';
import { AlbPrivateLinkRouter, PrivateLinkProducer, PrivateLinkRoute, RouterMonitoring, RouterMonitoringProps } from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

/** The three-VPC example with monitoring. */
function monitoredExample(props: Partial<RouterMonitoringProps> = {}) {
  const stack = new ThreeVpcExampleStack(new App(), 'Example');
  const monitoring = new RouterMonitoring(stack, 'Monitoring', { router: stack.router, ...props });
  return { stack, monitoring, template: Template.fromStack(stack) };
}

/** The alarm resources of a template, by logical ID. */
const alarmsOf = (template: Template) => template.findResources('AWS::CloudWatch::Alarm');

/** The dashboard's widgets, with the tokens in its body left as they are. */
function widgetsOf(template: Template): Array<Record<string, any>> {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
  // Tokens sit inside the body's JSON strings.
  const body = parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(body).widgets;
}

const titleOf = (widget: Record<string, any>) => widget.properties.title ?? widget.properties.markdown;

/** The `LoadBalancer` dimension of a target group's metrics: `app/<name>/<id>` (or `net/…`) from its listener's ARN. */
function loadBalancerFullNameOf(stack: Stack, listener: { listenerArn: string }): unknown {
  const part = (index: number) => ({ 'Fn::Select': [index, { 'Fn::Split': ['/', stack.resolve(listener.listenerArn)] }] });
  return { 'Fn::Join': ['', [part(1), '/', part(2), '/', part(3)]] };
}

describe('the three-VPC example', () => {
  test('gets three alarms per route, named after the route', () => {
    const { template } = monitoredExample();
    expect(Object.keys(alarmsOf(template)).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'MonitoringRoutevpc2ErrorRate', 'MonitoringRoutevpc2NoHealthyEndpoint', 'MonitoringRoutevpc2NoHealthyTarget',
      'MonitoringRoutevpc3ErrorRate', 'MonitoringRoutevpc3NoHealthyEndpoint', 'MonitoringRoutevpc3NoHealthyTarget',
    ]);
  });

  test('gets one dashboard: a row for the ALB, then one row per route\'s target group', () => {
    const { template } = monitoredExample();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const widgets = widgetsOf(template);
    expect(widgets.map(titleOf)).toEqual([
      'ALB: requests', 'ALB: its own 5xx answers (all routes)',
      '/vpc2: requests and failures', '/vpc2: error rate (%)', '/vpc2: endpoint addresses (ALB)', '/vpc2: producer targets (NLB)', '/vpc2: response time (s)',
      '/vpc3: requests and failures', '/vpc3: error rate (%)', '/vpc3: endpoint addresses (ALB)', '/vpc3: producer targets (NLB)', '/vpc3: response time (s)',
    ]);
    // Each route's widgets fill one row of the dashboard's 24 columns.
    const rows = new Map<number, number>();
    for (const widget of widgets) rows.set(widget.y, (rows.get(widget.y) ?? 0) + widget.width);
    expect([...rows.values()]).toEqual([24, 24, 24]);
  });

  test('the no-healthy-endpoint alarm watches the route\'s ALB target group, and a gap in its data (a group not created yet) does not page', () => {
    const { stack, template } = monitoredExample();
    const route = stack.router.routes[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HealthyHostCount',
      Dimensions: [
        { Name: 'LoadBalancer', Value: loadBalancerFullNameOf(stack, stack.router.listener) },
        { Name: 'TargetGroup', Value: { 'Fn::GetAtt': [logicalId(stack, route.targetGroup), 'TargetGroupFullName'] } },
      ],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 10,
      TreatMissingData: 'missing',
      AlarmDescription: Match.stringLikeRegexp('^Route /vpc2: no address of the interface endpoint passes the ALB\'s health check'),
    });
  });

  test('the no-healthy-target alarm watches the producer NLB\'s target group', () => {
    const { stack, template } = monitoredExample();
    const producerOfRoute = stack.router.routes[1].producer as PrivateLinkProducer;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/NetworkELB',
      MetricName: 'HealthyHostCount',
      Dimensions: [
        { Name: 'LoadBalancer', Value: loadBalancerFullNameOf(stack, producerOfRoute.listener) },
        { Name: 'TargetGroup', Value: { 'Fn::GetAtt': [logicalId(stack, producerOfRoute.targetGroup), 'TargetGroupFullName'] } },
      ],
      Statistic: 'Maximum',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
      AlarmDescription: Match.stringLikeRegexp('^Route /vpc3: no target of producer .* on port 80 passes its NLB\'s health check'),
    });
  });

  test('the error-rate alarm counts only periods with enough requests, and no data does not breach', () => {
    const { template } = monitoredExample();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(requests, 0) >= 10, errorRate, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'errorRate', Expression: '100 * (FILL(target5xx, 0) + FILL(connectionErrors, 0)) / requests' }),
        Match.objectLike({ Id: 'target5xx', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }), Stat: 'Sum', Period: 60 }) }),
        Match.objectLike({ Id: 'connectionErrors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'TargetConnectionErrorCount' }) }) }),
      ]),
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('without a topic the alarms notify no one; with one, each notifies it when it fires and when it recovers', () => {
    const silent = monitoredExample();
    for (const alarm of Object.values(alarmsOf(silent.template))) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
    const stack = new ThreeVpcExampleStack(new App(), 'Example');
    const topic = new sns.Topic(stack, 'OnCall');
    new RouterMonitoring(stack, 'Monitoring', { router: stack.router, alarmTopic: topic });
    const alarms = Object.values(alarmsOf(Template.fromStack(stack)));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalId(stack, topic) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: logicalId(stack, topic) }]);
    }
  });

  test('period, evaluation periods and the error-rate settings are the props\'', () => {
    const { template } = monitoredExample({
      period: Duration.minutes(5), evaluationPeriods: 2, errorRateThreshold: 2, errorRateMinimumRequests: 50, dashboardName: 'edge-routes',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HealthyHostCount', Period: 300, EvaluationPeriods: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(FILL(requests, 0) >= 50, errorRate, 0)' })]),
      Threshold: 2,
      EvaluationPeriods: 2,
    });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'edge-routes' });
  });

  test('adds no cdk-nag finding', () => {
    const { stack } = monitoredExample({ alarmTopic: undefined });
    expect(findings(stack).filter((finding) => finding.includes('/Monitoring/'))).toEqual([]);
  });
});

test.each<[string, Partial<RouterMonitoringProps>, RegExp]>([
  ['a period under a minute', { period: Duration.seconds(30) }, /^Example\/Monitoring: period: must be a whole number of minutes known at synth time, since ELB publishes its metrics every minute; got 30 seconds\.$/],
  ['a period of part minutes', { period: Duration.seconds(90) }, /^Example\/Monitoring: period: must be a whole number of minutes/],
  ['no evaluation period', { evaluationPeriods: 0 }, /^Example\/Monitoring: evaluationPeriods: must be a whole number of at least 1, got 0\.$/],
  ['an error rate of 0%', { errorRateThreshold: 0 }, /^Example\/Monitoring: errorRateThreshold: is a percentage of requests, from above 0 to below 100, got 0\.$/],
  ['an error rate of 100%', { errorRateThreshold: 100 }, /^Example\/Monitoring: errorRateThreshold: is a percentage/],
  ['a minimum of no requests', { errorRateMinimumRequests: 0 }, /^Example\/Monitoring: errorRateMinimumRequests: must be a whole number of at least 1, got 0\.$/],
])('rejects %s', (_what, props, message) => {
  expect(() => monitoredExample(props)).toThrow(message);
});

describe('which routes are watched', () => {
  test('a route added to the router after the monitoring is watched too', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router });
    const later = router.addRoute({ path: '/b', producerVpc: web.vpc, instances: web.instances, port: 8080 });
    expect(monitoring.alarmsOf(later).map((alarm) => alarm.node.id)).toEqual(['NoHealthyEndpoint', 'NoHealthyTarget', 'ErrorRate']);
    expect(monitoring.alarms).toHaveLength(6);
    expect(widgetsOf(Template.fromStack(stack)).map(titleOf)).toContain('/b: requests and failures');
  });

  test('a route on a listener of its own is watched with monitorRoute, once', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router });
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Listener', {
      listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge/0123456789abcdef/0123456789abcdef',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbSecurityGroup', 'sg-0123456789abcdef0'),
    });
    const route = new PrivateLinkRoute(stack, 'Orders', { listener, vpc, path: '/orders', producerVpc: web.vpc, instances: web.instances });
    monitoring.monitorRoute(route);
    expect(monitoring.alarmsOf(route)).toHaveLength(3);
    expect(monitoring.alarmsOf(route)[0].node.path).toMatch(/^Test\/Monitoring\/Route-TestOrders[0-9A-F]{8}\/NoHealthyEndpoint$/);
    // The imported listener's ARN names the load balancer the metrics are about.
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      Dimensions: Match.arrayWith([{ Name: 'LoadBalancer', Value: 'app/edge/0123456789abcdef' }]),
    });
    expect(() => monitoring.monitorRoute(route)).toThrow(/^Test\/Monitoring: route: 'Test\/Orders' is watched already \(the router's routes are watched from the start\); give each route once\.$/);
  });

  test('asking for the alarms of a route it does not watch names the fix', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const otherRouter = new AlbPrivateLinkRouter(stack, 'Other', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router });
    expect(() => monitoring.alarmsOf(otherRouter.routes[0])).toThrow(/^Test\/Monitoring: route: 'Test\/Other\/a' is not watched; give it to monitorRoute, or add it to the router\.$/);
  });

  test('a producer known by name gets no producer-side alarm, and the dashboard says who watches it', () => {
    const { stack, vpc } = consumerStack();
    const imported = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Partner', { endpointServiceName: SERVICE_NAME });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/partner', producer: imported }] });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router });
    expect(monitoring.alarms.map((alarm) => alarm.node.id)).toEqual(['NoHealthyEndpoint', 'ErrorRate']);
    expect(widgetsOf(Template.fromStack(stack)).map(titleOf)).toContain('**/partner**: producer \'Test/Partner\' is known by its service name only; its owner watches its targets.');
    Annotations.fromStack(stack).hasInfo('/Test/Monitoring', Match.stringLikeRegexp('producer \'Test/Partner\' is known by its service name only'));
    expect(() => router.routes[0].metricProducerHealthyHostCount()).toThrow(/^Test\/Router\/partner: producer: 'Test\/Partner' is known by its service name only/);
  });

  test('a producer in another Region gets no producer-side alarm: an alarm watches its own Region only', () => {
    const app = new App();
    const east = new Stack(app, 'East', { env: { account: '111111111111', region: 'us-east-1' }, crossRegionReferences: true });
    const web = producer(east, 'Web');
    const orders = new PrivateLinkProducer(east, 'Orders', { vpc: web.vpc, instances: web.instances, allowedRegions: ['us-west-2'] });
    const west = new Stack(app, 'West', { env: { account: '111111111111', region: 'us-west-2' }, crossRegionReferences: true });
    const vpc = new ec2.Vpc(west, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const router = new AlbPrivateLinkRouter(west, 'Router', { vpc, routes: [{ path: '/orders', producer: orders }] });
    const monitoring = new RouterMonitoring(west, 'Monitoring', { router });
    expect(monitoring.alarms.map((alarm) => alarm.node.id)).toEqual(['NoHealthyEndpoint', 'ErrorRate']);
    Annotations.fromStack(west).hasInfo('/West/Monitoring', Match.stringLikeRegexp('producer \'East/Orders\' is in another account or Region'));
  });

  test('a route to an added port of a shared producer watches that port\'s target group', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const shared = new PrivateLinkProducer(stack, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8080 });
    const billing = shared.addPort(9090, { instances: web.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/billing', producer: shared, port: 9090 }] });
    new RouterMonitoring(stack, 'Monitoring', { router });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/NetworkELB',
      Dimensions: Match.arrayWith([{ Name: 'TargetGroup', Value: { 'Fn::GetAtt': [logicalId(stack, billing), 'TargetGroupFullName'] } }]),
    });
  });
});

describe('producers in other stacks', () => {
  function withProducerStack(props: Partial<RouterMonitoringProps> = {}) {
    const { stack, vpc } = consumerStack();
    const services = new Stack(stack.node.root as App, 'Services');
    const web = producer(services, 'Web');
    const docs = new PrivateLinkProducer(services, 'Docs', { vpc: web.vpc, instances: web.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/docs', producer: docs }] });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router, ...props });
    return { stack, services, monitoring };
  }
  const exportsOf = (services: Stack) => Object.keys(Template.fromStack(services).toJSON().Outputs ?? {});

  test('are watched on the ALB\'s side only by default, so their stack exports no target group', () => {
    const { stack, services, monitoring } = withProducerStack();
    expect(monitoring.alarms.map((alarm) => alarm.node.id)).toEqual(['NoHealthyEndpoint', 'ErrorRate']);
    expect(exportsOf(services).filter((name) => /TargetGroup|Listener/.test(name))).toEqual([]);
    Annotations.fromStack(stack).hasInfo('/Test/Monitoring', Match.stringLikeRegexp('producer \'Services/Docs\' is in another stack, whose target groups\' names it would have to export; watch its targets there, or set watchProducersInOtherStacks'));
  });

  test('are watched on both sides with watchProducersInOtherStacks, through exports', () => {
    const { services, monitoring } = withProducerStack({ watchProducersInOtherStacks: true });
    expect(monitoring.alarms.map((alarm) => alarm.node.id)).toEqual(['NoHealthyEndpoint', 'NoHealthyTarget', 'ErrorRate']);
    expect(exportsOf(services).filter((name) => /TargetGroup/.test(name))).toHaveLength(1);
  });
});

describe('routes on one target group', () => {
  function sharing(paths: string[]) {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const docs = new PrivateLinkProducer(stack, 'Docs', { vpc: web.vpc, instances: web.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: paths.map((path) => ({ path, producer: docs })) });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router });
    // Synthesised on first use, so that a test can still add routes.
    return { stack, router, monitoring, get template() { return Template.fromStack(stack); } };
  }

  test('share its alarms and one dashboard row, which name every route on it', () => {
    const { router, monitoring, template } = sharing(['/docs', '/guide']);
    expect(Object.keys(alarmsOf(template))).toHaveLength(3);
    expect(monitoring.alarmsOf(router.routes[1])).toEqual(monitoring.alarmsOf(router.routes[0]));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^Routes /docs, /guide: no address of the interface endpoint passes'),
    });
    expect(widgetsOf(template).map(titleOf).filter((title: string) => title.endsWith('requests and failures'))).toEqual(['/docs, /guide: requests and failures']);
  });

  test('keep the alarms\' names, which follow the group\'s logical ID, when the first route goes', () => {
    const { stack, router, template } = sharing(['/docs', '/guide']);
    const both = Object.keys(alarmsOf(template));
    const groupId = logicalId(stack, router.routes[0].targetGroup);
    expect(both.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
      ['ErrorRate', 'NoHealthyEndpoint', 'NoHealthyTarget'].map((alarm) => `MonitoringTargetGroup${groupId}${alarm}`));
    expect(Object.keys(alarmsOf(sharing(['/guide']).template))).toEqual(both);
  });

  test('name their routes in sorted order, at most five, whatever the order of the routes', () => {
    const descriptionOf = (paths: string[]) => Object.values(alarmsOf(sharing(paths).template))
      .map((alarm) => alarm.Properties.AlarmDescription).find((text: string) => text.includes('no address'));
    expect(descriptionOf(['/guide', '/docs'])).toEqual(descriptionOf(['/docs', '/guide']));
    expect(descriptionOf(['/f', '/e', '/d', '/c', '/b', '/a'])).toMatch(/^Routes \/a, \/b, \/c, \/d, \/e and 1 more: no address/);
  });

  test('a route added to the router later joins the alarms of its target group', () => {
    const { stack, router, monitoring } = sharing(['/docs']);
    const later = router.addRoute({ path: '/guide', producer: router.routes[0].producer });
    expect(monitoring.alarmsOf(later)).toEqual(monitoring.alarmsOf(router.routes[0]));
    expect(Object.keys(alarmsOf(Template.fromStack(stack)))).toHaveLength(3);
  });

  test('a route of its own to a router route\'s producer, on another port, has an endpoint of its own, whose alarms are named after its target group', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    });
    const first = router.routes[0];
    (first.producer as PrivateLinkProducer).addPort(9090, { instances: web.instances });
    const monitoring = new RouterMonitoring(stack, 'Monitoring', { router });
    const standalone = new PrivateLinkRoute(stack, 'Other', { listener: router.listener, vpc, path: '/other', port: 9090, producer: first.producer });
    monitoring.monitorRoute(standalone);
    expect(standalone.privateLinkTargetGroup.node.scope).toBe(standalone);
    const groupId = logicalId(stack, standalone.targetGroup);
    expect(monitoring.alarmsOf(standalone).map((alarm) => alarm.node.path)).toEqual(
      ['NoHealthyEndpoint', 'NoHealthyTarget', 'ErrorRate'].map((alarm) => `Test/Monitoring/TargetGroup-${groupId}/${alarm}`));
    expect(monitoring.alarmsOf(first)[0].node.path).toBe('Test/Monitoring/Route-a/NoHealthyEndpoint');
  });
});

describe('alarm names stay with their routes', () => {
  const alarmIdsOf = (paths: string[]) => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: paths.map((path, index) => ({ path, producerVpc: web.vpc, instances: web.instances, port: 8000 + index })),
    });
    new RouterMonitoring(stack, 'Monitoring', { router });
    return Object.keys(alarmsOf(Template.fromStack(stack))).sort();
  };

  test('adding, removing or reordering routes changes no other route\'s alarm IDs', () => {
    const base = alarmIdsOf(['/a', '/b', '/c']);
    const withD = alarmIdsOf(['/a', '/b', '/c', '/d']);
    expect(withD).toEqual(expect.arrayContaining(base));
    expect(withD.filter((id) => !base.includes(id)).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort())
      .toEqual(['MonitoringRoutedErrorRate', 'MonitoringRoutedNoHealthyEndpoint', 'MonitoringRoutedNoHealthyTarget']);
    expect(alarmIdsOf(['/a', '/c'])).toEqual(base.filter((id) => !id.startsWith('MonitoringRouteb')));
    expect(alarmIdsOf(['/c', '/a', '/b'])).toEqual(base);
  });
});

describe('the metrics a route and a producer expose', () => {
  function routeToShared() {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const shared = new PrivateLinkProducer(stack, 'Shared', { vpc: web.vpc, instances: web.instances, port: 8080 });
    const billing = shared.addPort(9090, { instances: web.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/billing', producer: shared, port: 9090 }] });
    return { stack, shared, billing, route: router.routes[0] };
  }

  test.each<[string, (route: PrivateLinkRoute) => cloudwatch.Metric, string]>([
    ['requests', (route) => route.metricRequestCount(), 'AWS/ApplicationELB RequestCount Sum'],
    ['target 5xx', (route) => route.metricTarget5xxCount(), 'AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum'],
    ['connection errors', (route) => route.metricTargetConnectionErrorCount(), 'AWS/ApplicationELB TargetConnectionErrorCount Sum'],
    ['response time', (route) => route.metricTargetResponseTime(), 'AWS/ApplicationELB TargetResponseTime Average'],
    ['healthy endpoint addresses', (route) => route.metricHealthyHostCount(), 'AWS/ApplicationELB HealthyHostCount Average'],
    ['unhealthy endpoint addresses', (route) => route.metricUnhealthyHostCount(), 'AWS/ApplicationELB UnHealthyHostCount Average'],
    ['healthy producer targets', (route) => route.metricProducerHealthyHostCount(), 'AWS/NetworkELB HealthyHostCount Average'],
    ['unhealthy producer targets', (route) => route.metricProducerUnhealthyHostCount(), 'AWS/NetworkELB UnHealthyHostCount Average'],
  ])('the route\'s %s metric', (_what, metricOf, expected) => {
    const { stack, route, billing } = routeToShared();
    const metric = metricOf(route);
    expect(`${metric.namespace} ${metric.metricName} ${metric.statistic}`).toBe(expected);
    const targetGroup = metric.namespace === 'AWS/NetworkELB' ? billing : route.targetGroup;
    expect(stack.resolve(metric.dimensions?.TargetGroup)).toEqual({ 'Fn::GetAtt': [logicalId(stack, targetGroup), 'TargetGroupFullName'] });
  });

  test('the error rate is the share of requests with a target 5xx or a connection error, in percent', () => {
    const { route } = routeToShared();
    const rate = route.metricErrorRate({ period: Duration.minutes(1) });
    expect(rate.expression).toBe('100 * (FILL(target5xx, 0) + FILL(connectionErrors, 0)) / requests');
    expect(Object.keys(rate.usingMetrics).sort()).toEqual(['connectionErrors', 'requests', 'target5xx']);
    expect(rate.period.toSeconds()).toBe(60);
    expect(rate.label).toBe('/billing errors (%)');
  });

  test('the producer measures one port\'s target group, by default its own port\'s, and its whole NLB', () => {
    const { stack, shared, billing } = routeToShared();
    const targetGroupOf = (metric: cloudwatch.Metric) => stack.resolve(metric.dimensions?.TargetGroup)['Fn::GetAtt'][0];
    expect(targetGroupOf(shared.metricHealthyHostCount())).toBe(logicalId(stack, shared.targetGroup));
    expect(targetGroupOf(shared.metricUnhealthyHostCount({ port: 9090, statistic: 'Maximum' }))).toBe(logicalId(stack, billing));
    expect(shared.metricUnhealthyHostCount({ port: 9090, statistic: 'Maximum' }).statistic).toBe('Maximum');
    expect(() => shared.metricHealthyHostCount({ port: 7000 })).toThrow(/^Test\/Shared: port: the producer serves 8080, 9090, not 7000/);
    expect([shared.metricProcessedBytes(), shared.metricNewFlowCount(), shared.metricTcpTargetResetCount()].map((metric) => metric.metricName))
      .toEqual(['ProcessedBytes', 'NewFlowCount', 'TCP_Target_Reset_Count']);
  });
});
