import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { consumerVpc } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer, RouterMonitoring, RouterMonitoringProps } from '../src';

/*
 * CloudWatch takes at most 500 widgets and 2,500 metrics per dashboard
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html). Its docs
 * give no size for a dashboard's body; the body is a property of the template, which
 * CloudFormation caps at 1 MB
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */
const MAX_WIDGETS = 500;
const MAX_METRICS = 2500;
const MAX_BODY_BYTES = 1_000_000;

/** A router with `count` routes, each to a producer of its own known by name, so each has a target group of its own. */
function monitoredRoutes(count: number, props: Partial<RouterMonitoringProps> = {}) {
  // So many routes pass CloudFormation's 500 resources per stack; this measures the dashboards only.
  const stack = new Stack(new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 } }), 'Test');
  const vpc = consumerVpc(stack, 'Consumer', 2);
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    maxRoutes: count,
    routes: Array.from({ length: count }, (_, index) => ({
      path: `/service-${index}`,
      priority: index + 1,
      producer: PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, `Producer${index}`, {
        endpointServiceName: `com.amazonaws.vpce.eu-west-1.vpce-svc-${index.toString(16).padStart(17, '0')}`,
      }),
    })),
  });
  const monitoring = new RouterMonitoring(stack, 'Monitoring', { router, ...props });
  return { stack, router, monitoring, template: Template.fromStack(stack) };
}

/** Each dashboard's body as CloudWatch gets it, tokens stood in for by 64 characters (longer than any ARN part they resolve to). */
function bodiesOf(template: Template): Record<string, string> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::CloudWatch::Dashboard')).map(([id, dashboard]) => {
    const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
    return [id, parts.map((part) => (typeof part === 'string' ? part : 'x'.repeat(64))).join('')];
  }));
}

const metricsOf = (body: string) => JSON.parse(body).widgets
  .reduce((sum: number, widget: any) => sum + (widget.properties.metrics?.length ?? 0), 0);

describe.each([150, 300])('%i routes', (count) => {
  const { monitoring, template } = monitoredRoutes(count);
  const bodies = Object.values(bodiesOf(template));

  test('get one row per target group, on as many dashboards as 99 rows each need', () => {
    expect(bodies).toHaveLength(Math.ceil(count / 99));
    expect(monitoring.dashboards).toHaveLength(bodies.length);
    const rows = bodies.map((body) => (JSON.parse(body).widgets.length - 2) / 5);
    expect(rows.reduce((sum, n) => sum + n, 0)).toBe(count);
  });

  test('keep every dashboard within CloudWatch\'s widgets and metrics, and its body within 1 MB', () => {
    for (const body of bodies) {
      expect(JSON.parse(body).widgets.length).toBeLessThanOrEqual(MAX_WIDGETS);
      expect(metricsOf(body)).toBeLessThanOrEqual(MAX_METRICS);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    }
  });
});

test('the first dashboard keeps the ID Dashboard and the public attribute; the next are Dashboard2, Dashboard3', () => {
  const { monitoring, template } = monitoredRoutes(200, { dashboardName: 'edge' });
  expect(monitoring.dashboards.map((dashboard) => dashboard.node.id)).toEqual(['Dashboard', 'Dashboard2', 'Dashboard3']);
  expect(monitoring.dashboard).toBe(monitoring.dashboards[0]);
  expect(Object.entries(template.findResources('AWS::CloudWatch::Dashboard')).map(([id, dashboard]) => [id.replace(/[0-9A-F]{8}$/, ''), dashboard.Properties.DashboardName]))
    .toEqual([['MonitoringDashboard', 'edge'], ['MonitoringDashboard2', 'edge-2'], ['MonitoringDashboard3', 'edge-3']]);
});

test('a row\'s titles name at most five routes, and at most 120 characters of them', () => {
  const stack = new Stack(new App(), 'Test');
  const vpc = consumerVpc(stack, 'Consumer', 2);
  const shared = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', { endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' });
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: Array.from({ length: 7 }, (_, index) => ({ path: `/${String(index).repeat(60)}`, priority: index + 1, producer: shared })),
  });
  new RouterMonitoring(stack, 'Monitoring', { router });
  const [body] = Object.values(bodiesOf(Template.fromStack(stack)));
  const title: string = JSON.parse(body).widgets[2].properties.title;
  const label = title.replace(/: requests and failures$/, '');
  expect(label).toMatch(/^\/0{60}, \/1+\.\.\.$/);
  expect(label).toHaveLength(120);
});

test('an alarm description stays within CloudFormation\'s 1,024 characters, however long its routes\' names', () => {
  const stack = new Stack(new App(), 'Test');
  const vpc = consumerVpc(stack, 'Consumer', 2);
  const shared = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Shared', { endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' });
  const hosts = (index: number) => Array.from({ length: 3 }, (_, host) => `${'h'.repeat(50)}${host}.${index}.example.com`);
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: Array.from({ length: 6 }, (_, index) => ({ path: `/${'p'.repeat(100)}`, hosts: hosts(index), priority: index + 1, producer: shared })),
  });
  new RouterMonitoring(stack, 'Monitoring', { router });
  const descriptions = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.AlarmDescription as string);
  expect(descriptions.length).toBeGreaterThan(0);
  for (const description of descriptions) {
    expect(description.length).toBeLessThanOrEqual(1024);
    expect(description).toMatch(/^Routes .*\.\.\.$/);
  }
});

test('the health graphs show the Maximum, the statistic the health alarms evaluate', () => {
  const { template } = monitoredRoutes(2);
  const healthMetrics = Object.values(bodiesOf(template)).flatMap((body) => JSON.parse(body).widgets)
    .flatMap((widget: any) => widget.properties.metrics ?? [])
    .filter((metric: unknown[]) => metric.includes('HealthyHostCount') || metric.includes('UnHealthyHostCount'));
  expect(healthMetrics.length).toBeGreaterThan(0);
  for (const metric of healthMetrics) {
    expect(metric[metric.length - 1]).toEqual(expect.objectContaining({ stat: 'Maximum' }));
  }
});
