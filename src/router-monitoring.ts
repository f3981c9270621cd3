import { Annotations, Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlbPrivateLinkRouter } from './alb-privatelink-router';
import { routeLabelOf } from './private/route-match';
import { observeRoutes } from './private/route-observers';
import { stableIdOf } from './private/stable-id';
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

  /**
   * Whether to watch the NLB of a producer in another stack of the app too (same account and
   * Region). Its alarm and graph then name the producer's target groups, which makes the
   * producer's stack export their names; CloudFormation refuses to change an export that
   * another stack imports, so an edit that replaces such a target group (another port or kind
   * of target) then needs the monitoring of its routes removed first.
   *
   * @default false: such a producer's targets are watched on the ALB's side only; watch them in
   * the producer's own stack with `producer.metricHealthyHostCount()`
   */
  readonly watchProducersInOtherStacks?: boolean;
}

/** At most this many routes are named in an alarm's description, which CloudFormation caps at 1,024 characters. */
const ROUTES_NAMED_PER_ALARM = 5;

/** The routes of one target group, for an alarm's description: sorted, so that their order does not matter. */
function labelOf(routes: PrivateLinkRoute[]): string {
  const labels = routes.map((route) => routeLabelOf(route)).sort();
  const named = labels.slice(0, ROUTES_NAMED_PER_ALARM).join(', ');
  const more = labels.length > ROUTES_NAMED_PER_ALARM ? ` and ${labels.length - ROUTES_NAMED_PER_ALARM} more` : '';
  return `${labels.length === 1 ? 'Route' : 'Routes'} ${named}${more}`;
}

/** The alarms of one ALB target group, and the routes forwarding to it. */
interface WatchedTargetGroup {
  readonly alarms: cloudwatch.Alarm[];
  readonly routes: PrivateLinkRoute[];
}

/**
 * Alarms and a dashboard for the routes of an `AlbPrivateLinkRouter`, opt-in. Each route gets
 * alarms for no healthy endpoint address (the ALB's side), no healthy target (the producer's
 * NLB, for a producer of the app in the monitoring's stack) and its error rate, and one
 * dashboard row; routes added to the router later are watched too. Routes that forward to one
 * ALB target group (one producer and port) share its alarms, so one failure notifies once.
 *
 * Alarms are named after the route whose target group they watch (or, for a group the router
 * shares between routes, after the group), so adding, removing or reordering routes leaves the
 * other routes' alarms as they are.
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
  private readonly watchProducersInOtherStacks: boolean;
  /** The watched ALB target groups. */
  private readonly targetGroups = new Map<elbv2.IApplicationTargetGroup, WatchedTargetGroup>();

  constructor(scope: Construct, id: string, props: RouterMonitoringProps) {
    super(scope, id);
    this.router = props.router;
    this.alarmTopic = props.alarmTopic;
    this.period = props.period ?? Duration.minutes(1);
    this.evaluationPeriods = props.evaluationPeriods ?? 3;
    this.errorRateThreshold = props.errorRateThreshold ?? 5;
    this.errorRateMinimumRequests = props.errorRateMinimumRequests ?? 10;
    this.watchProducersInOtherStacks = props.watchProducersInOtherStacks ?? false;
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
    return [...this.targetGroups.values()].flatMap((watched) => watched.alarms);
  }

  /** The alarms of one watched route: those of its ALB target group, shared with the routes on it. */
  public alarmsOf(route: PrivateLinkRoute): cloudwatch.Alarm[] {
    const watched = this.targetGroups.get(route.targetGroup);
    if (watched === undefined || !watched.routes.includes(route)) {
      throw new Error(`${this.node.path}: route: '${route.node.path}' is not watched; give it to monitorRoute, or add it to the router.`);
    }
    return [...watched.alarms];
  }

  /**
   * Watches one more route, such as a `PrivateLinkRoute` on a listener of your own: its alarms
   * (unless a watched route shares its target group) and a dashboard row. The router's own
   * routes are watched already.
   */
  public monitorRoute(route: PrivateLinkRoute): void {
    const existing = this.targetGroups.get(route.targetGroup);
    if (existing?.routes.includes(route)) {
      throw new Error(`${this.node.path}: route: '${route.node.path}' is watched already (the router's routes are watched from the start); give each route once.`);
    }
    const producer = this.producerSideOf(route);
    if (existing) {
      existing.routes.push(route);
    } else {
      const routes = [route];
      this.targetGroups.set(route.targetGroup, { routes, alarms: this.alarmsFor(route, routes, producer) });
    }
    this.dashboard.addWidgets(...this.rowOf(route, producer));
  }

  /**
   * The alarms of the target group of `route`, in a scope named after what owns the group: the
   * route that made it (`Route-<id>`, and under it `Port<port>` for a group of another port), or,
   * for a group the router shares, the group itself (`TargetGroup-<its logical ID>`). Their
   * descriptions list `routes`, which grows as more routes on the group are watched.
   */
  private alarmsFor(route: PrivateLinkRoute, routes: PrivateLinkRoute[], producer: PrivateLinkProducer | string): cloudwatch.Alarm[] {
    const owner = route.privateLinkTargetGroup.node.scope;
    let scope: Construct;
    if (owner instanceof PrivateLinkRoute) {
      const id = `Route-${this.keyOf(owner)}`;
      const ownerScope = this.node.tryFindChild(id) as Construct | undefined ?? new Construct(this, id);
      scope = route.port === owner.port ? ownerScope : new Construct(ownerScope, `Port${route.port}`);
    } else {
      scope = new Construct(this, `TargetGroup-${stableIdOf(this, route.targetGroup.targetGroupArn)}`);
    }
    const label = Lazy.string({ produce: () => labelOf(routes) });
    return [
      this.alarm(scope, 'NoHealthyEndpoint', {
        metric: route.metricHealthyHostCount({ period: this.period, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // ELB reports a target group's health every minute; no data means no target at all.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `${label}: no address of the interface endpoint passes the ALB's health check, which goes through the endpoint and the producer's NLB to a target. Requests fail, or go to failing targets.`,
      }),
      ...(typeof producer === 'string' ? [] : [this.alarm(scope, 'NoHealthyTarget', {
        metric: route.metricProducerHealthyHostCount({ period: this.period, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `${label}: no target of producer ${producer.node.path} on port ${route.port} passes its NLB's health check.`,
      })]),
      this.alarm(scope, 'ErrorRate', {
        metric: new cloudwatch.MathExpression({
          expression: `IF(FILL(requests, 0) >= ${this.errorRateMinimumRequests}, errorRate, 0)`,
          usingMetrics: {
            requests: route.metricRequestCount({ period: this.period }),
            errorRate: route.metricErrorRate({ period: this.period }),
          },
          period: this.period,
        }),
        threshold: this.errorRateThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${label}: more than ${this.errorRateThreshold}% of the requests (of at least ${this.errorRateMinimumRequests} in ${this.period.toHumanString()}) got a 5xx from the service or could not connect to the interface endpoint.`,
      }),
    ];
  }

  /** A route's construct ID under the router; a route elsewhere is known by its whole path. */
  private keyOf(route: PrivateLinkRoute): string {
    return route.node.scope === this.router ? route.node.id : Names.nodeUniqueId(route.node);
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
  private rowOf(route: PrivateLinkRoute, producer: PrivateLinkProducer | string): cloudwatch.IWidget[] {
    const label = routeLabelOf(route);
    const period = { period: this.period };
    const producerWidget = typeof producer === 'string'
      ? new cloudwatch.TextWidget({ markdown: `**${label}**: ${producer}`, width: 4, height: 6 })
      : new cloudwatch.GraphWidget({
        title: `${label}: producer targets (NLB)`,
        left: [route.metricProducerHealthyHostCount(period), route.metricProducerUnhealthyHostCount(period)],
        width: 4,
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
   * The route's producer when its NLB is watched from here, else why not (noted as info):
   * a producer known by name is its owner's to watch; an alarm watches its own Region's metrics,
   * and other accounts' only through CloudWatch cross-account observability, not set up here;
   * and a producer in another stack is watched only with `watchProducersInOtherStacks`.
   */
  private producerSideOf(route: PrivateLinkRoute): PrivateLinkProducer | string {
    const producer = route.producer;
    const here = Stack.of(this);
    let reason: string | undefined;
    if (!PrivateLinkProducer.isPrivateLinkProducer(producer)) {
      reason = `producer '${producer.node.path}' is known by its service name only; its owner watches its targets.`;
    } else if (Stack.of(producer).account !== here.account || Stack.of(producer).region !== here.region) {
      reason = `producer '${producer.node.path}' is in another account or Region, whose metrics an alarm here does not watch; watch its targets there.`;
    } else if (Stack.of(producer) !== here && !this.watchProducersInOtherStacks) {
      reason = `producer '${producer.node.path}' is in another stack, whose target groups' names it would have to export; watch its targets there, or set watchProducersInOtherStacks.`;
    }
    if (reason === undefined) {
      return producer as PrivateLinkProducer;
    }
    Annotations.of(this).addInfo(`${this.node.path}: route '${routeLabelOf(route)}': ${reason} Its alarms cover the ALB's side.`);
    return reason;
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
