import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlbPrivateLinkRouter } from './alb-privatelink-router';
import { routeLabelOf } from './private/route-match';
import { observeRoutes } from './private/route-observers';
import { validateSynthTimeNumber } from './private/validation';
import { PrivateLinkProducer } from './private-link-producer';
import { PrivateLinkRoute } from './private-link-route';

/** Properties of a `RouterMonitoring`. */
export interface RouterMonitoringProps {
  /** The router whose routes to watch: those it has, and those added to it later. */
  readonly router: AlbPrivateLinkRouter;

  /**
   * The SNS topic every alarm notifies when it fires and when it recovers.
   *
   * @default - none: the alarms change state without notifying anyone
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The period of the alarms' metrics. ELB publishes its metrics every 60 seconds, so a
   * multiple of one minute.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many consecutive periods must breach before an alarm fires.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * The share of a route's requests, in percent, that may fail in one period (answered with a
   * 5xx by the service, or not connected to the endpoint) before the period breaches.
   *
   * @default 5
   */
  readonly errorRateThreshold?: number;

  /**
   * The fewest requests a period needs for its error rate to count: a period with fewer does
   * not breach, so that one failed request of two does not wake anyone.
   *
   * @default 10
   */
  readonly errorRateMinimumRequests?: number;

  /**
   * The name of the CloudWatch dashboard.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/**
 * Alarms and a dashboard for the routes of an `AlbPrivateLinkRouter`, opt-in. Each route gets
 * alarms for no healthy endpoint address (the ALB's side), no healthy target (the producer's
 * NLB, for a producer of the app in the same account and Region) and its error rate, and one
 * dashboard row; routes added to the router later are watched too.
 *
 * Each route's alarms are named after its construct ID, so adding, removing or reordering routes
 * leaves the other routes' alarms as they are.
 *
 * @example
 * import * as sns from 'aws-cdk-lib/aws-sns';
 * import { AlbPrivateLinkRouter, RouterMonitoring } from 'cdk-alb-privatelink-router';
 *
 * const router = new AlbPrivateLinkRouter(this, 'Router', {
 *   vpc: vpc1,
 *   routes: [{ path: '/vpc2', producerVpc: vpc2, instances: [web2a, web2b] }],
 * });
 * new RouterMonitoring(this, 'Monitoring', {
 *   router,
 *   alarmTopic: new sns.Topic(this, 'OnCall'),
 * });
 */
export class RouterMonitoring extends Construct {
  /** The router whose routes are watched. */
  public readonly router: AlbPrivateLinkRouter;

  /** The dashboard: a row for the ALB, then a row per route. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly alarmTopic?: sns.ITopic;
  private readonly period: Duration;
  private readonly evaluationPeriods: number;
  private readonly errorRateThreshold: number;
  private readonly errorRateMinimumRequests: number;
  /** The alarms of each watched route. */
  private readonly watched = new Map<PrivateLinkRoute, cloudwatch.Alarm[]>();

  constructor(scope: Construct, id: string, props: RouterMonitoringProps) {
    super(scope, id);
    this.router = props.router;
    this.alarmTopic = props.alarmTopic;
    this.period = props.period ?? Duration.minutes(1);
    this.evaluationPeriods = props.evaluationPeriods ?? 3;
    this.errorRateThreshold = props.errorRateThreshold ?? 5;
    this.errorRateMinimumRequests = props.errorRateMinimumRequests ?? 10;
    this.validate();

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    const metrics = this.router.loadBalancer.metrics;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'ALB: requests',
        left: [metrics.requestCount({ period: this.period })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        // ELB counts the 5xx answers it makes itself per load balancer, not per target group.
        title: 'ALB: its own 5xx answers (all routes)',
        left: [metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: this.period })],
        width: 12,
      }),
    );
    for (const route of this.router.routes) this.monitorRoute(route);
    observeRoutes(this.router, (route) => this.monitorRoute(route));
  }

  /** Every alarm, of every watched route. */
  public get alarms(): cloudwatch.Alarm[] {
    return [...this.watched.values()].flat();
  }

  /** The alarms of one watched route. */
  public alarmsOf(route: PrivateLinkRoute): cloudwatch.Alarm[] {
    const watched = this.watched.get(route);
    if (watched === undefined) {
      throw new Error(`${this.node.path}: route: '${route.node.path}' is not watched; give it to monitorRoute, or add it to the router.`);
    }
    return [...watched];
  }

  /**
   * Watches one more route, such as a `PrivateLinkRoute` on a listener of your own: its alarms
   * and a dashboard row. The router's own routes are watched already.
   */
  public monitorRoute(route: PrivateLinkRoute): void {
    if (this.watched.has(route)) {
      throw new Error(`${this.node.path}: route: '${route.node.path}' is watched already.`);
    }
    // A route of the router is known by its ID there; another one by its whole path.
    const key = route.node.scope === this.router ? route.node.id : Names.nodeUniqueId(route.node);
    const scope = new Construct(this, `Route-${key}`);
    const label = routeLabelOf(route);
    const producer = this.watchableProducerOf(route);
    const alarms = [
      this.alarm(scope, 'NoHealthyEndpoint', {
        metric: route.metricHealthyHostCount({ period: this.period, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // ELB reports a target group's health every minute; no data means no target at all.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `Route ${label}: no address of its interface endpoint passes the ALB's health check, which goes through the endpoint and the producer's NLB to a target. Requests to the route fail or go to failing targets.`,
      }),
      ...(producer ? [this.alarm(scope, 'NoHealthyTarget', {
        metric: route.metricProducerHealthyHostCount({ period: this.period, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `Route ${label}: no target of producer ${producer.node.path} on port ${route.port} passes its NLB's health check.`,
      })] : []),
      this.alarm(scope, 'ErrorRate', {
        metric: new cloudwatch.MathExpression({
          expression: `IF(FILL(requests, 0) >= ${this.errorRateMinimumRequests}, errorRate, 0)`,
          usingMetrics: {
            requests: route.metricRequestCount({ period: this.period }),
            errorRate: route.metricErrorRate({ period: this.period }),
          },
          period: this.period,
          label: `${label} errors (%)`,
        }),
        threshold: this.errorRateThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Route ${label}: more than ${this.errorRateThreshold}% of its requests (of at least ${this.errorRateMinimumRequests} in ${this.period.toHumanString()}) got a 5xx from the service or could not reach the interface endpoint.`,
      }),
    ];
    this.watched.set(route, alarms);
    this.dashboard.addWidgets(...this.rowOf(route, label, producer));
  }

  /** An alarm over `evaluationPeriods`, notifying the topic, if any. */
  private alarm(scope: Construct, id: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, { ...props, evaluationPeriods: this.evaluationPeriods });
    if (this.alarmTopic) {
      const action = new actions.SnsAction(this.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarm;
  }

  /** The dashboard row of one route: traffic, error rate, both sides' health, response time. */
  private rowOf(route: PrivateLinkRoute, label: string, producer: PrivateLinkProducer | undefined): cloudwatch.IWidget[] {
    const period = { period: this.period };
    const producerWidget = producer
      ? new cloudwatch.GraphWidget({
        title: `${label}: producer targets (NLB)`,
        left: [route.metricProducerHealthyHostCount(period), route.metricProducerUnhealthyHostCount(period)],
        width: 4,
      })
      : new cloudwatch.TextWidget({
        markdown: `**${label}**: the producer's targets are watched by its owner (${route.producer.node.path}).`,
        width: 4,
        height: 6,
      });
    return [
      new cloudwatch.GraphWidget({
        title: `${label}: requests and failures`,
        left: [route.metricRequestCount(period)],
        right: [route.metricTarget5xxCount(period), route.metricTargetConnectionErrorCount(period)],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${label}: error rate (%)`,
        left: [route.metricErrorRate(period)],
        leftAnnotations: [{ value: this.errorRateThreshold, label: 'alarm threshold' }],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${label}: endpoint addresses (ALB)`,
        left: [route.metricHealthyHostCount(period), route.metricUnhealthyHostCount(period)],
        width: 4,
      }),
      producerWidget,
      new cloudwatch.GraphWidget({
        title: `${label}: response time (s)`,
        left: [route.metricTargetResponseTime(period)],
        width: 4,
      }),
    ];
  }

  /**
   * The route's producer when its NLB can be watched from here: a `PrivateLinkProducer` of the
   * app in the monitoring's account and Region. An alarm watches its own Region's metrics, and
   * other accounts' only through CloudWatch cross-account observability, which is not set up here.
   */
  private watchableProducerOf(route: PrivateLinkRoute): PrivateLinkProducer | undefined {
    const producer = route.producer;
    if (!PrivateLinkProducer.isPrivateLinkProducer(producer)) {
      Annotations.of(this).addInfo(`${this.node.path}: route '${routeLabelOf(route)}': producer '${producer.node.path}' is known by its service name only, so its targets' health is its owner's to watch; the route's alarms cover the ALB's side.`);
      return undefined;
    }
    const here = Stack.of(this);
    const there = Stack.of(producer);
    if (here.account !== there.account || here.region !== there.region) {
      Annotations.of(this).addInfo(`${this.node.path}: route '${routeLabelOf(route)}': producer '${producer.node.path}' is in another account or Region, whose metrics an alarm here does not watch (other Regions never, other accounts only through CloudWatch cross-account observability); its targets' health is watched on the ALB's side only.`);
      return undefined;
    }
    return producer;
  }

  private validate(): void {
    const where = this.node.path;
    validateSynthTimeNumber(where, 'evaluationPeriods', this.evaluationPeriods);
    if (!Number.isInteger(this.evaluationPeriods) || this.evaluationPeriods < 1) {
      throw new Error(`${where}: evaluationPeriods: must be a whole number of at least 1, got ${this.evaluationPeriods}.`);
    }
    validateSynthTimeNumber(where, 'errorRateThreshold', this.errorRateThreshold);
    if (this.errorRateThreshold <= 0 || this.errorRateThreshold >= 100) {
      throw new Error(`${where}: errorRateThreshold: is a percentage of requests, from above 0 to below 100, got ${this.errorRateThreshold}.`);
    }
    validateSynthTimeNumber(where, 'errorRateMinimumRequests', this.errorRateMinimumRequests);
    if (!Number.isInteger(this.errorRateMinimumRequests) || this.errorRateMinimumRequests < 1) {
      throw new Error(`${where}: errorRateMinimumRequests: must be a whole number of at least 1, got ${this.errorRateMinimumRequests}.`);
    }
    if (Token.isUnresolved(this.period.toSeconds()) || this.period.toSeconds() < 60 || this.period.toSeconds() % 60 !== 0) {
      throw new Error(`${where}: period: must be a whole number of minutes known at synth time, since ELB publishes its metrics every minute; got ${this.period.toHumanString()}.`);
    }
  }
}
