import { App, Duration, Lazy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { consumerStack, producer } from './fixtures';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';
import { AlbPrivateLinkRouter, PrivateLinkProducer, RouterMonitoring, RouterMonitoringProps } from '../src';

/** The three-VPC example with monitoring, synthesised. */
function monitoredExample(props: Partial<RouterMonitoringProps> = {}) {
  const stack = new ThreeVpcExampleStack(new App(), 'Example');
  new RouterMonitoring(stack, 'Monitoring', { router: stack.router, ...props });
  return Template.fromStack(stack);
}

const healthPeriodsOf = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm'))
  .filter((alarm) => alarm.Properties.MetricName === 'HealthyHostCount').map((alarm) => alarm.Properties.EvaluationPeriods);

describe('the health alarms wait as long as a new target needs to turn healthy', () => {
  test('by default 10 one-minute periods: 5 minutes of startup and 30 s x 5 checks on the NLB and on the ALB', () => {
    expect(new Set(healthPeriodsOf(monitoredExample()))).toEqual(new Set([10]));
  });

  test('targetStartupTime tunes the window', () => {
    expect(new Set(healthPeriodsOf(monitoredExample({ targetStartupTime: Duration.minutes(15) })))).toEqual(new Set([20]));
  });

  test('the window follows the route\'s own health checks, and evaluationPeriods is its floor', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [{ path: '/slow', producerVpc: web.vpc, instances: web.instances, healthCheck: { interval: Duration.minutes(1), healthyThresholdCount: 10 } }],
    });
    new RouterMonitoring(stack, 'Monitoring', { router, evaluationPeriods: 30 });
    // 300 s + 600 s on each side = 25 periods, below the floor of 30.
    expect(new Set(healthPeriodsOf(Template.fromStack(stack)))).toEqual(new Set([30]));
  });

  test('the error-rate alarm keeps evaluationPeriods', () => {
    const errorRate = Object.values(monitoredExample().findResources('AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.Metrics);
    expect(errorRate.map((alarm) => alarm.Properties.EvaluationPeriods)).toEqual([3, 3]);
  });
});

test.each<[string, Partial<RouterMonitoringProps>, RegExp]>([
  ['a period that is not a number', { period: Duration.seconds(NaN) }, /^Example\/Monitoring: period: must be a whole number of minutes known at synth time.*got NaN seconds\.$/],
  ['a period of fractional seconds', { period: Duration.millis(60_500) }, /^Example\/Monitoring: period: must be a whole number of minutes/],
  ['a period that is a token', { period: Duration.seconds(Lazy.number({ produce: () => 60 })) }, /^Example\/Monitoring: period: .*got a token\.$/],
  ['an evaluation range over one day', { evaluationPeriods: 1441 }, /^Example\/Monitoring: evaluationPeriods: 1441 periods of 60 seconds are 86460 seconds, more than the 86400 CloudWatch lets an alarm evaluate/],
  ['an evaluation range over seven days with hour periods', { period: Duration.hours(1), evaluationPeriods: 169 }, /^Example\/Monitoring: evaluationPeriods: 169 periods of 3600 seconds are 608400 seconds, more than the 604800/],
  ['a period longer than seven days', { period: Duration.days(8) }, /^Example\/Monitoring: evaluationPeriods: 3 periods of 691200 seconds/],
  ['fractional evaluation periods', { evaluationPeriods: 2.5 }, /^Example\/Monitoring: evaluationPeriods: must be a whole number of at least 1, got 2\.5\.$/],
  ['evaluation periods that are not a number', { evaluationPeriods: NaN }, /^Example\/Monitoring: evaluationPeriods: must be a whole number of at least 1, got NaN\.$/],
  ['an error rate that is not a number', { errorRateThreshold: NaN }, /^Example\/Monitoring: errorRateThreshold: is a percentage of requests, from above 0 to below 100, got NaN\.$/],
  ['a negative error rate', { errorRateThreshold: -1 }, /^Example\/Monitoring: errorRateThreshold: is a percentage/],
  ['a minimum of fractional requests', { errorRateMinimumRequests: 1.5 }, /^Example\/Monitoring: errorRateMinimumRequests: must be a whole number of at least 1, got 1\.5\.$/],
  ['a minimum of requests beyond exact integers', { errorRateMinimumRequests: 1e21 }, /^Example\/Monitoring: errorRateMinimumRequests: must be a whole number/],
  ['a startup time that leaves the health alarms over one day', { targetStartupTime: Duration.days(1) }, /^Example\/Monitoring: targetStartupTime: route '\/vpc2' needs 86700 seconds .* more than CloudWatch's 86400/],
  ['a startup time over the evaluation range by itself', { targetStartupTime: Duration.days(2) }, /^Example\/Monitoring: targetStartupTime: must be known at synth time and leave the health alarms within the 86400 seconds/],
  ['a startup time that is a token', { targetStartupTime: Duration.seconds(Lazy.number({ produce: () => 60 })) }, /^Example\/Monitoring: targetStartupTime: .*got a token\.$/],
  ['an empty dashboard name', { dashboardName: '' }, /^Example\/Monitoring: dashboardName: is empty; give 1 to 255 characters/],
  ['a dashboard name with a space', { dashboardName: 'edge routes' }, /^Example\/Monitoring: dashboardName: "edge routes" has characters CloudWatch does not accept in a dashboard's name; use only A-Z, a-z, 0-9, '-' and '_'\.$/],
  ['a dashboard name with a dot', { dashboardName: 'edge.routes' }, /^Example\/Monitoring: dashboardName: "edge\.routes" has characters/],
  ['a dashboard name with non-ASCII letters', { dashboardName: 'tableau-de-bord-é' }, /^Example\/Monitoring: dashboardName: "tableau-de-bord-é" has characters/],
  ['a dashboard name over 255 characters', { dashboardName: 'a'.repeat(256) }, /^Example\/Monitoring: dashboardName: 'a{256}' is 256 characters, more than CloudWatch's 255; shorten it\.$/],
])('rejects %s', (_what, props, message) => {
  expect(() => monitoredExample(props)).toThrow(message);
});

test('accepts a dashboard name of 255 characters, and one that is a token', () => {
  expect(() => monitoredExample({ dashboardName: 'a'.repeat(255) })).not.toThrow();
  expect(() => monitoredExample({ dashboardName: Lazy.string({ produce: () => 'edge routes' }) })).not.toThrow();
});

describe('an alarm topic encrypted with the AWS managed key', () => {
  test.each<[string, (stack: ThreeVpcExampleStack) => sns.Topic]>([
    ['an alias of that name', (stack) => new sns.Topic(stack, 'OnCall', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') })],
    ['a key from the alias\'s ARN', (stack) => new sns.Topic(stack, 'OnCall', { masterKey: kms.Key.fromKeyArn(stack, 'Managed', 'arn:aws:kms:eu-west-1:111111111111:alias/aws/sns') })],
    ['KmsMasterKeyId set on the CfnTopic', (stack) => {
      const topic = new sns.Topic(stack, 'OnCall');
      (topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
      return topic;
    }],
  ])('fails synthesis, written as %s', (_form, topicOf) => {
    const stack = new ThreeVpcExampleStack(new App(), 'Example');
    new RouterMonitoring(stack, 'Monitoring', { router: stack.router, alarmTopic: topicOf(stack) });
    expect(() => Template.fromStack(stack)).toThrow(/Example\/Monitoring: alarmTopic: 'Example\/OnCall' is encrypted with the AWS managed key alias\/aws\/sns, whose key policy does not let CloudWatch alarms publish to it; use a customer managed key/);
  });

  test('a customer managed key of the app lets CloudWatch alarms use it, so that they can publish to the topic', () => {
    const stack = new ThreeVpcExampleStack(new App(), 'Example');
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: new kms.Key(stack, 'Key') });
    new RouterMonitoring(stack, 'Monitoring', { router: stack.router, alarmTopic: topic });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        }]),
      },
    });
  });

  test('but a customer managed key, or an imported topic, passes', () => {
    const stack = new ThreeVpcExampleStack(new App(), 'Example');
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: new kms.Key(stack, 'Key') });
    new RouterMonitoring(stack, 'Monitoring', { router: stack.router, alarmTopic: topic });
    new RouterMonitoring(stack, 'Imported', { router: stack.router, alarmTopic: sns.Topic.fromTopicArn(stack, 'Paging', 'arn:aws:sns:eu-west-1:111111111111:paging') });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});


describe('alarmNamePrefix', () => {
  const alarmNamesOf = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .map((alarm) => alarm.Properties.AlarmName).sort();

  test('names each alarm after the prefix, the route that owns its target group and the alarm', () => {
    expect(alarmNamesOf(monitoredExample({ alarmNamePrefix: 'shop' }))).toEqual([
      'shop-vpc2-ErrorRate', 'shop-vpc2-NoHealthyEndpoint', 'shop-vpc2-NoHealthyTarget',
      'shop-vpc3-ErrorRate', 'shop-vpc3-NoHealthyEndpoint', 'shop-vpc3-NoHealthyTarget',
    ]);
  });

  test('names the alarms of a target group the router shares after its producer\'s path and port', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const docs = new PrivateLinkProducer(stack, 'Docs', { vpc: web.vpc, instances: web.instances });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producer: docs }, { path: '/b', producer: docs }] });
    new RouterMonitoring(stack, 'Monitoring', { router, alarmNamePrefix: 'edge' });
    expect(alarmNamesOf(Template.fromStack(stack))).toEqual(['edge-Test-Docs-80-ErrorRate', 'edge-Test-Docs-80-NoHealthyEndpoint', 'edge-Test-Docs-80-NoHealthyTarget']);
  });

  test('shortens a name past CloudWatch\'s 255 characters, keeping the names apart with a hash', () => {
    const names = alarmNamesOf(monitoredExample({ alarmNamePrefix: 'p'.repeat(100) }));
    expect(names.every((name) => name.length <= 100 + '-vpc2-NoHealthyEndpoint'.length)).toBe(true);
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', id: 'a-route-id'.repeat(16), producerVpc: web.vpc, instances: web.instances }] });
    new RouterMonitoring(stack, 'Monitoring', { router, alarmNamePrefix: 'p'.repeat(100) });
    const long = alarmNamesOf(Template.fromStack(stack));
    expect(long.map((name) => name.length)).toEqual([255, 255, 255]);
    expect(new Set(long).size).toBe(3);
  });

  test('without it, CloudFormation names the alarms', () => {
    expect(alarmNamesOf(monitoredExample())).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  test.each<[string, string, RegExp]>([
    ['an empty prefix', '', /^Example\/Monitoring: alarmNamePrefix: must be 1 to 100 characters, got 0/],
    ['a prefix over 100 characters', 'p'.repeat(101), /^Example\/Monitoring: alarmNamePrefix: must be 1 to 100 characters, got 101/],
    ['a prefix with a control character', 'shop\nedge', /^Example\/Monitoring: alarmNamePrefix: "shop\\nedge" has a control character/],
    ['a prefix that is a token', Lazy.string({ produce: () => 'shop' }), /^Example\/Monitoring: alarmNamePrefix: must be known at synth time/],
  ])('rejects %s', (_what, alarmNamePrefix, message) => {
    expect(() => monitoredExample({ alarmNamePrefix })).toThrow(message);
  });
});
