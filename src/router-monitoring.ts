import { createHash } from 'crypto';
import { Annotations, CfnResource, Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlbPrivateLinkRouter } from './alb-privatelink-router';
import { errorRateOf } from './private/error-rate';
import { routeLabelOf } from './private/route-match';
import { observeRoutes } from './private/route-observers';
import { stableIdOf } from './private/stable-id';
import { validateSynthTimeNumber } from './private/validation';
import { PrivateLinkProducer } from './private-link-producer';
import { PrivateLinkRoute, PrivateLinkRouteDestination } from './private-link-route';

/** Properties of a `RouterMonitoring`. */
export interface RouterMonitoringProps {
  /** The router whose routes to watch: those it has, and those added to it later. */
  readonly router: AlbPrivateLinkRouter;

  /**
   * The SNS topic every alarm notifies when it fires and when it recovers.
   *
   * CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key
   * `alias/aws/sns`, whose key policy does not let them use it: such a topic of the app (its
   * `masterKey`, or its `CfnTopic`'s `KmsMasterKeyId`, as the alias name or its ARN) fails
   * synthesis. A customer managed key of the app (a `kms.Key` given to the topic as
   * `masterKey`) gets the key-policy statement CloudWatch needs: `cloudwatch.amazonaws.com` may
   * `kms:Decrypt` and `kms:GenerateDataKey*`. An imported topic's or key's policy cannot be seen or
   * changed; give it that statement yourself.
   *
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
   * @see https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
   * @default - none: the alarms change state without notifying anyone
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The period of the alarms' metrics. ELB publishes its metrics every 60 seconds, so a
   * multiple of one minute.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many consecutive periods must breach before an alarm fires. The health alarms
   * (`NoHealthyEndpoint`, `NoHealthyTarget`) wait at least as long as a new target needs to turn
   * healthy (see `targetStartupTime`), so they may take more. CloudWatch caps `period` times
   * the periods at one day, or seven days for a period of an hour or more.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
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
   * The name of the first CloudWatch dashboard; the next ones, made when the rows exceed one
   * dashboard, get `-2`, `-3`, ... appended. 1 to 255 characters (with the suffix) of A-Z, a-z,
   * 0-9, `-` and `_`.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
   * @default - names CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * A prefix that gives the alarms readable names: `<prefix>-<route>-<alarm>`, such as
   * `shop-edge-vpc2-NoHealthyEndpoint`, where `<route>` is the ID of the route that owns the ALB
   * target group (with `-<port>` for its group of another port), or, for a group the router
   * shares between the routes to one producer, that producer's construct path and the port
   * (`Services-Docs-80`). Alarm names must be unique in the account and Region, so give each
   * monitored router its own prefix. A name that would exceed CloudWatch's 255 characters is
   * shortened, with a hash of the whole. Giving, changing or removing the prefix replaces the
   * alarms (their history starts anew).
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   * @default - names CloudFormation generates (`<stack>-<logical ID>-<random>`)
   */
  readonly alarmNamePrefix?: string;

  /**
   * How long a new target may take, from its registration, to answer health checks (boot,
   * start the service; ELB itself can take a few minutes to start checking). The health alarms
   * wait this long plus the time the NLB's and the ALB's health checks take to mark a target
   * healthy (interval times healthy threshold, each), so that a deploy that adds a route, a
   * port or a target group, or replaces an endpoint, does not page: with the default checks
   * (30 seconds, 5 checks) that is 5 + 2.5 + 2.5 = 10 minutes. A target that takes longer still
   * fires them; a real outage fires them after that window too.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
   * @default Duration.minutes(5)
   */
  readonly targetStartupTime?: Duration;

  /**
   * Whether to watch the NLB of a producer in another stack of the app too (same account and
   * Region). Its alarm and graph then name the producer's target groups, which makes the
   * producer's stack export their names; CloudFormation refuses to change an export that
   * another stack imports, so an edit that replaces such a target group (another port or kind
   * of target) then needs the monitoring of its routes removed first.
   *
   * @default - false: such a producer's targets are watched on the ALB's side only; watch them in
   * the producer's own stack with `producer.metricHealthyHostCount()`
   */
  readonly watchProducersInOtherStacks?: boolean;

  /**
   * Whether the alarms of a producer on standby notify: one that every watched route lists in
   * `producers` at weight 0, added there to warm up before it gets requests. Its alarms exist
   * and change state either way (ActionsEnabled), and notify from the deploy that gives it a
   * weight, without being replaced; an alarm already in ALARM then does not notify until its
   * state changes again. A producer drained to weight 0 on a route with `stickinessDuration`
   * still serves its sticky clients for that long: set this for the wait.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html#cfn-cloudwatch-alarm-actionsenabled
   * @default false
   */
  readonly alarmOnStandbyProducers?: boolean;
}

/** At most this many routes are named in an alarm's description or a row's titles. */
const ROUTES_NAMED = 5;

/**
 * CloudFormation's cap on an alarm's description.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
 */
const MAX_ALARM_DESCRIPTION = 1024;

/** The longest list of routes a row's titles carry, so that long host names cannot swell the dashboard's body. */
const MAX_ROW_LABEL = 120;

/**
 * CloudWatch's quotas on one dashboard: widgets and metrics (a math expression's inputs count).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
 */
const MAX_WIDGETS_PER_DASHBOARD = 500;
const MAX_METRICS_PER_DASHBOARD = 2500;

/** A dashboard's first row (the ALB), and a target group's row, in widgets and metrics. */
const HEADER_WIDGETS = 2;
const HEADER_METRICS = 2;
const ROW_WIDGETS = 5;
const ROW_METRICS = 3 + 4 + 2 + 2 + 1;

/** The target groups' rows that fit on one dashboard under its first row: 99. */
const ROWS_PER_DASHBOARD = Math.min(
  Math.floor((MAX_WIDGETS_PER_DASHBOARD - HEADER_WIDGETS) / ROW_WIDGETS),
  Math.floor((MAX_METRICS_PER_DASHBOARD - HEADER_METRICS) / ROW_METRICS),
);

/**
 * PutDashboard's rule for a dashboard's name.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
const MAX_DASHBOARD_NAME = 255;
const DASHBOARD_NAME_CHARACTERS = /^[A-Za-z0-9_-]*$/;

/**
 * The longest an alarm may evaluate: period times evaluation periods is at most one day, or
 * seven days for a period of an hour or more.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
function maxEvaluationSecondsOf(periodSeconds: number): number {
  return periodSeconds < 3600 ? 86_400 : 604_800;
}

/**
 * ELB's health-check defaults (interval 30 s, healthy threshold 5, for ALB target groups of type
 * ip and for NLB target groups) and the largest values it accepts (300 s, 10), which stand in
 * for a setting that is a token.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
 */
const DEFAULT_HEALTH_CHECK_INTERVAL = 30;
const DEFAULT_HEALTHY_THRESHOLD = 5;
const MAX_HEALTH_CHECK_INTERVAL = 300;
const MAX_HEALTHY_THRESHOLD = 10;

/** The seconds a new target needs to pass `healthCheck` enough times to count as healthy. */
function secondsToHealthyOf(healthCheck: elbv2.HealthCheck): number {
  const interval = healthCheck.interval?.toSeconds({ integral: false }) ?? DEFAULT_HEALTH_CHECK_INTERVAL;
  const threshold = healthCheck.healthyThresholdCount ?? DEFAULT_HEALTHY_THRESHOLD;
  return (Token.isUnresolved(interval) ? MAX_HEALTH_CHECK_INTERVAL : interval)
    * (Token.isUnresolved(threshold) ? MAX_HEALTHY_THRESHOLD : threshold);
}

/** `text` cut to `max` characters. */
function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** The routes of one target group: the first five, sorted, so that their order does not matter. */
function namesOf(routes: PrivateLinkRoute[]): string {
  const labels = routes.map((route) => routeLabelOf(route)).sort();
  const named = labels.slice(0, ROUTES_NAMED).join(', ');
  return labels.length > ROUTES_NAMED ? `${named} and ${labels.length - ROUTES_NAMED} more` : named;
}

/** The routes of one target group, for an alarm's description. */
function labelOf(routes: PrivateLinkRoute[]): string {
  return `${routes.length === 1 ? 'Route' : 'Routes'} ${namesOf(routes)}`;
}

/** Whether every route of a group gives it weight 0: a producer added to warm up before it gets requests. */
function isOnStandby(watched: WatchedTargetGroup): boolean {
  return watched.weights.every((weight) => weight === 0);
}

/** For a group of weighted routes, its producer's share of each such route's requests, for the row's titles. */
function shareOf(watched: WatchedTargetGroup): string {
  const shares = watched.routes.flatMap((route, index) => {
    const weight = watched.weights[index];
    if (weight === undefined) return [];
    const total = route.destinations.reduce((sum, destination) => sum + (destination.weight ?? 0), 0);
    const share = `weight ${weight} of ${total}`;
    return [watched.routes.length === 1 ? share : `${routeLabelOf(route)}: ${share}`];
  }).sort();
  if (shares.length === 0) return '';
  const named = shares.slice(0, ROUTES_NAMED).join('; ');
  return ` (${shares.length > ROUTES_NAMED ? `${named} and ${shares.length - ROUTES_NAMED} more` : named})`;
}

/** The alarms of one ALB target group, and the routes forwarding to it with their weights of it. */
interface WatchedTargetGroup {
  readonly alarms: cloudwatch.Alarm[];
  readonly routes: PrivateLinkRoute[];
  /** Per route, the weight it gives the group; undefined for a route with one producer. */
  readonly weights: Array<number | undefined>;
}

/**
 * Alarms and dashboards for the routes of an `AlbPrivateLinkRouter`, opt-in. Each ALB target
 * group the routes forward to (one producer and port) gets alarms for no healthy endpoint
 * address (the ALB's side), no healthy target (the producer's NLB, for a producer of the app in
 * the monitoring's stack) and its error rate, shared by the routes on it so that one failure
 * notifies once, and one dashboard row; routes added to the router later are watched too.
 *
 * Alarms are named after the route whose target group they watch (or, for a group the router
 * shares between routes, after the group), so adding, removing or reordering routes leaves the
 * other routes' alarms as they are. A dashboard holds 99 rows, within CloudWatch's 500 widgets
 * and 2,500 metrics; more rows go to further dashboards (`Dashboard2`, ...).
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

  /** The first dashboard: a row for the ALB, then a row per watched ALB target group. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly alarmTopic?: sns.ITopic;
  private readonly period: Duration;
  private readonly evaluationPeriods: number;
  private readonly errorRateThreshold: number;
  private readonly errorRateMinimumRequests: number;
  private readonly targetStartupSeconds: number;
  private readonly dashboardName?: string;
  private readonly alarmNamePrefix?: string;
  private readonly watchProducersInOtherStacks: boolean;
  private readonly alarmOnStandbyProducers: boolean;
  /** The watched ALB target groups. */
  private readonly targetGroups = new Map<elbv2.IApplicationTargetGroup, WatchedTargetGroup>();
  private readonly allDashboards: cloudwatch.Dashboard[] = [];
  private rowsOnLastDashboard = 0;

  constructor(scope: Construct, id: string, props: RouterMonitoringProps) {
    super(scope, id);
    this.router = props.router;
    this.alarmTopic = props.alarmTopic;
    this.period = props.period ?? Duration.minutes(1);
    this.evaluationPeriods = props.evaluationPeriods ?? 3;
    this.errorRateThreshold = props.errorRateThreshold ?? 5;
    this.errorRateMinimumRequests = props.errorRateMinimumRequests ?? 10;
    this.targetStartupSeconds = this.validate(props.targetStartupTime ?? Duration.minutes(5));
    this.dashboardName = props.dashboardName;
    this.alarmNamePrefix = validateAlarmNamePrefix(this.node.path, props.alarmNamePrefix);
    this.watchProducersInOtherStacks = props.watchProducersInOtherStacks ?? false;
    this.alarmOnStandbyProducers = props.alarmOnStandbyProducers ?? false;
    this.node.addValidation({ validate: () => this.validateAlarmTopic() });
    this.allowAlarmsToUseTopicKey();

    this.dashboard = this.addDashboard();
    for (const route of this.router.routes) this.monitorRoute(route);
    observeRoutes(this.router, (route) => this.monitorRoute(route));
  }

  /** Every dashboard: the first, then those for the rows that did not fit on it. */
  public get dashboards(): cloudwatch.Dashboard[] {
    return [...this.allDashboards];
  }

  /** Every alarm, of every watched route. */
  public get alarms(): cloudwatch.Alarm[] {
    return [...this.targetGroups.values()].flatMap((watched) => watched.alarms);
  }

  /**
   * The alarms of one watched route: those of its ALB target group (of each of its producers,
   * for a weighted route), shared with the routes on it.
   */
  public alarmsOf(route: PrivateLinkRoute): cloudwatch.Alarm[] {
    const watched = route.destinations.map((destination) => this.targetGroups.get(destination.targetGroup));
    if (watched.some((group) => group === undefined || !group.routes.includes(route))) {
      throw new Error(`${this.node.path}: route: '${route.node.path}' is not watched; give it to monitorRoute, or add it to the router.`);
    }
    return watched.flatMap((group) => group!.alarms);
  }

  /**
   * Watches one more route, such as a `PrivateLinkRoute` on a listener of your own: the alarms
   * and dashboard row of its target group (of each of its producers, for a weighted route),
   * unless a watched route shares the group, whose alarms and row then name it too. The
   * router's own routes are watched already.
   */
  public monitorRoute(route: PrivateLinkRoute): void {
    if (this.targetGroups.get(route.targetGroup)?.routes.includes(route)) {
      throw new Error(`${this.node.path}: route: '${route.node.path}' is watched already (the router's routes are watched from the start); give each route once.`);
    }
    for (const destination of route.destinations) {
      const producer = this.producerSideOf(route, destination);
      const existing = this.targetGroups.get(destination.targetGroup);
      if (existing) {
        existing.routes.push(route);
        existing.weights.push(destination.weight);
        continue;
      }
      const watched: WatchedTargetGroup = { routes: [route], weights: [destination.weight], alarms: [] };
      watched.alarms.push(...this.alarmsFor(route, destination, watched, producer));
      this.targetGroups.set(destination.targetGroup, watched);
      this.addRow(this.rowOf(destination, watched, producer));
    }
  }

  /**
   * The alarms of the target group of one of `route`'s producers, in a scope named after what
   * owns the group: the route, when it created its producer (`Route-<id>`), or else the group
   * itself (`TargetGroup-<its logical ID>`), which stays as routes to the producer come and go,
   * and beside the groups of other producers of one route. Their descriptions list the group's
   * routes, which grow as more routes on the group are watched.
   */
  private alarmsFor(route: PrivateLinkRoute, destination: PrivateLinkRouteDestination, watched: WatchedTargetGroup,
    producer: PrivateLinkProducer | string): cloudwatch.Alarm[] {
    const { targetGroup, port } = destination;
    let scope: Construct;
    let name: string;
    if (destination.producer.node.scope === route) {
      scope = new Construct(this, `Route-${this.keyOf(route)}`);
      name = this.keyOf(route);
    } else {
      scope = new Construct(this, `TargetGroup-${stableIdOf(this, targetGroup.targetGroupArn)}`);
      name = `${destination.producer.node.path.replace(/\//g, '-')}-${port}`;
    }
    const describe = (text: () => string) => Lazy.string({ produce: () => fit(`${labelOf(watched.routes)}: ${text()}`, MAX_ALARM_DESCRIPTION) });
    const healthPeriods = this.healthEvaluationPeriodsOf(route, destination);
    // ELB's docs: Minimum and Maximum are over the load balancer's nodes, and Maximum is the
    // useful statistic for HealthyHostCount: below 1 means no node sees a healthy target.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
    const healthy = { period: this.period, statistic: cloudwatch.Stats.MAXIMUM };
    const alarms = [
      this.alarm(scope, name, 'NoHealthyEndpoint', healthPeriods, {
        metric: targetGroup.metrics.healthyHostCount(healthy),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // ELB reports HealthyHostCount whenever it health-checks, so a gap is a target group that
        // does not exist yet (a new route or port) or any more: neither should page.
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
        alarmDescription: describe(() => 'no address of the interface endpoint passes the ALB\'s health check, which goes through the endpoint and the producer\'s NLB to a target. Requests fail, or go to failing targets.'),
      }),
      ...(typeof producer === 'string' ? [] : [this.alarm(scope, name, 'NoHealthyTarget', healthPeriods, {
        metric: producer.metricHealthyHostCount({ ...healthy, port }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
        alarmDescription: describe(() => `no target of producer ${producer.node.path} on port ${port} passes its NLB's health check.`),
      })]),
      this.alarm(scope, name, 'ErrorRate', this.evaluationPeriods, {
        metric: new cloudwatch.MathExpression({
          expression: `IF(FILL(requests, 0) >= ${this.errorRateMinimumRequests}, errorRate, 0)`,
          usingMetrics: {
            requests: targetGroup.metrics.requestCount({ period: this.period }),
            errorRate: errorRateOf(targetGroup, `${routeLabelOf(route)} errors (%)`, { period: this.period }),
          },
          period: this.period,
        }),
        threshold: this.errorRateThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: describe(() => `more than ${this.errorRateThreshold}% of the requests (of at least ${this.errorRateMinimumRequests} in ${this.period.toHumanString()}) got a 5xx from the service or could not connect to the interface endpoint.`),
      }),
    ];
    if (!this.alarmOnStandbyProducers) {
      // Left out unless the group is on standby, so that other alarms stay as they were.
      const actionsEnabled = Lazy.any({ produce: () => (isOnStandby(watched) ? false : undefined) });
      alarms.forEach((alarm) => { (alarm.node.defaultChild as cloudwatch.CfnAlarm).actionsEnabled = actionsEnabled; });
    }
    return alarms;
  }

  /**
   * The periods the health alarms of `route`'s target group evaluate: at least
   * `evaluationPeriods`, and enough to cover the time a new target needs to turn healthy on both
   * sides (`targetStartupTime`, then the NLB's checks, then the ALB's), so that a deploy does not
   * page.
   */
  private healthEvaluationPeriodsOf(route: PrivateLinkRoute, { producer, port, targetGroup }: PrivateLinkRouteDestination): number {
    // An imported producer's NLB checks with the settings its ALB target group was given.
    const producerHealthCheck = PrivateLinkProducer.isPrivateLinkProducer(producer)
      ? producer.targetGroupFor(port).healthCheck
      : targetGroup.healthCheck;
    const window = this.targetStartupSeconds + secondsToHealthyOf(producerHealthCheck) + secondsToHealthyOf(targetGroup.healthCheck);
    const seconds = this.period.toSeconds();
    const periods = Math.max(this.evaluationPeriods, Math.ceil(window / seconds));
    const max = maxEvaluationSecondsOf(seconds);
    if (periods * seconds > max) {
      throw new Error(`${this.node.path}: targetStartupTime: route '${routeLabelOf(route)}' needs ${window} seconds for a new target to turn healthy (${this.targetStartupSeconds} of startup plus its health checks), so its health alarms would evaluate ${periods} periods of ${seconds} seconds, more than CloudWatch's ${max}; shorten targetStartupTime or the health checks' interval or healthy threshold.`);
    }
    return periods;
  }

  /** A route's construct ID under the router; a route elsewhere is known by its whole path. */
  private keyOf(route: PrivateLinkRoute): string {
    return route.node.scope === this.router ? route.node.id : Names.nodeUniqueId(route.node);
  }

  /**
   * An alarm over `evaluationPeriods`, notifying the topic, if any; named `<prefix>-<owner>-<id>`
   * with `alarmNamePrefix`.
   */
  private alarm(scope: Construct, owner: string, id: string, evaluationPeriods: number,
    props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): cloudwatch.Alarm {
    const alarmName = this.alarmNamePrefix === undefined ? undefined : alarmNameOf(`${this.alarmNamePrefix}-${owner}-${id}`);
    const alarm = new cloudwatch.Alarm(scope, id, { ...props, evaluationPeriods, alarmName });
    if (this.alarmTopic) {
      const action = new actions.SnsAction(this.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarm;
  }

  /**
   * A dashboard, the first named `Dashboard` (so its logical ID stays as before pages), the next
   * `Dashboard<n>`, each opening with the ALB's row.
   */
  private addDashboard(): cloudwatch.Dashboard {
    const number = this.allDashboards.length + 1;
    const dashboard = new cloudwatch.Dashboard(this, number === 1 ? 'Dashboard' : `Dashboard${number}`, {
      dashboardName: this.dashboardNameOf(number),
    });
    const metrics = this.router.loadBalancer.metrics;
    dashboard.addWidgets(
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
    this.allDashboards.push(dashboard);
    this.rowsOnLastDashboard = 0;
    return dashboard;
  }

  /** The name of dashboard `number`: `dashboardName`, with `-<number>` from the second on. */
  private dashboardNameOf(number: number): string | undefined {
    const base = this.dashboardName;
    if (base === undefined) return undefined;
    const name = number === 1 ? base : `${base}-${number}`;
    if (Token.isUnresolved(base)) return name;
    if (base.length === 0) {
      throw new Error(`${this.node.path}: dashboardName: is empty; give 1 to ${MAX_DASHBOARD_NAME} characters, or leave it out for generated names.`);
    }
    if (!DASHBOARD_NAME_CHARACTERS.test(base)) {
      throw new Error(`${this.node.path}: dashboardName: ${JSON.stringify(base)} has characters CloudWatch does not accept in a dashboard's name; use only A-Z, a-z, 0-9, '-' and '_'.`);
    }
    if (name.length > MAX_DASHBOARD_NAME) {
      const which = number === 1 ? '' : ` (dashboard ${number}, for the rows past ${(number - 1) * ROWS_PER_DASHBOARD} target groups, adds '-${number}')`;
      throw new Error(`${this.node.path}: dashboardName: '${name}' is ${name.length} characters${which}, more than CloudWatch's ${MAX_DASHBOARD_NAME}; shorten it.`);
    }
    return name;
  }

  /** Adds a row to the last dashboard, or to a new one when the last is full. */
  private addRow(widgets: cloudwatch.IWidget[]): void {
    if (this.rowsOnLastDashboard === ROWS_PER_DASHBOARD) this.addDashboard();
    this.allDashboards[this.allDashboards.length - 1].addWidgets(...widgets);
    this.rowsOnLastDashboard++;
  }

  /**
   * The dashboard row of one ALB target group, titled with its routes (which grow as more routes
   * on it are watched), and for a weighted route with the group's producer and share, so that
   * the rows of its producers show the split: traffic, error rate, both sides' health, response
   * time.
   */
  private rowOf({ targetGroup, port }: PrivateLinkRouteDestination, watched: WatchedTargetGroup,
    producer: PrivateLinkProducer | string): cloudwatch.IWidget[] {
    const label = Lazy.string({ produce: () => fit(`${namesOf(watched.routes)}${shareOf(watched)}`, MAX_ROW_LABEL) });
    const period = { period: this.period };
    // The statistic the health alarms take, so that the graphs show what they evaluate.
    const health = { period: this.period, statistic: cloudwatch.Stats.MAXIMUM };
    const producerWidget = typeof producer === 'string'
      ? new cloudwatch.TextWidget({ markdown: `**${label}**: ${producer}`, width: 4, height: 6 })
      : new cloudwatch.GraphWidget({
        title: `${label}: producer targets (NLB)`,
        left: [producer.metricHealthyHostCount({ ...health, port }), producer.metricUnhealthyHostCount({ ...health, port })],
        width: 4,
      });
    return [
      new cloudwatch.GraphWidget({
        title: `${label}: requests and failures`,
        left: [targetGroup.metrics.requestCount(period)],
        right: [
          targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period),
          targetGroup.metrics.targetConnectionErrorCount(period),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${label}: error rate (%)`,
        left: [errorRateOf(targetGroup, 'errors (%)', period)],
        leftAnnotations: [{ value: this.errorRateThreshold, label: 'alarm threshold' }],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${label}: endpoint addresses (ALB)`,
        left: [targetGroup.metrics.healthyHostCount(health), targetGroup.metrics.unhealthyHostCount(health)],
        width: 4,
      }),
      producerWidget,
      new cloudwatch.GraphWidget({
        title: `${label}: response time (s)`,
        left: [targetGroup.metrics.targetResponseTime(period)],
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
  private producerSideOf(route: PrivateLinkRoute, { producer }: PrivateLinkRouteDestination): PrivateLinkProducer | string {
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

  /** Throws for a prop CloudWatch would reject; returns `targetStartupTime` in seconds. */
  private validate(targetStartupTime: Duration): number {
    const where = this.node.path;
    const seconds = this.period.toSeconds({ integral: false });
    if (Token.isUnresolved(seconds) || !(seconds >= 60) || seconds % 60 !== 0) {
      const got = Token.isUnresolved(seconds) ? 'a token' : this.period.toHumanString() || `${seconds} seconds`;
      throw new Error(`${where}: period: must be a whole number of minutes known at synth time, since ELB publishes its metrics every minute; got ${got}.`);
    }
    validateSynthTimeNumber(where, 'evaluationPeriods', this.evaluationPeriods);
    if (!Number.isSafeInteger(this.evaluationPeriods) || this.evaluationPeriods < 1) {
      throw new Error(`${where}: evaluationPeriods: must be a whole number of at least 1, got ${this.evaluationPeriods}.`);
    }
    const max = maxEvaluationSecondsOf(seconds);
    if (this.evaluationPeriods * seconds > max) {
      throw new Error(`${where}: evaluationPeriods: ${this.evaluationPeriods} periods of ${seconds} seconds are ${this.evaluationPeriods * seconds} seconds, more than the ${max} CloudWatch lets an alarm evaluate (one day for a period under an hour, seven days otherwise); use fewer or shorter periods.`);
    }
    validateSynthTimeNumber(where, 'errorRateThreshold', this.errorRateThreshold);
    if (!(this.errorRateThreshold > 0 && this.errorRateThreshold < 100)) {
      throw new Error(`${where}: errorRateThreshold: is a percentage of requests, from above 0 to below 100, got ${this.errorRateThreshold}.`);
    }
    validateSynthTimeNumber(where, 'errorRateMinimumRequests', this.errorRateMinimumRequests);
    if (!Number.isSafeInteger(this.errorRateMinimumRequests) || this.errorRateMinimumRequests < 1) {
      throw new Error(`${where}: errorRateMinimumRequests: must be a whole number of at least 1, got ${this.errorRateMinimumRequests}.`);
    }
    const startup = targetStartupTime.toSeconds({ integral: false });
    if (Token.isUnresolved(startup) || !(startup >= 0) || Math.ceil(startup / seconds) * seconds > max) {
      const got = Token.isUnresolved(startup) ? 'a token' : targetStartupTime.toHumanString();
      throw new Error(`${where}: targetStartupTime: must be known at synth time and leave the health alarms within the ${max} seconds CloudWatch lets an alarm evaluate with a period of ${seconds} seconds; got ${got}.`);
    }
    return startup;
  }

  /**
   * Lets CloudWatch alarms use the alarm topic's key, when it is a customer managed key of the
   * app: without it in the key policy, SNS refuses every notification and nobody is told.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
   */
  private allowAlarmsToUseTopicKey(): void {
    const key = this.alarmTopic instanceof sns.Topic ? this.alarmTopic.masterKey : undefined;
    if (key instanceof kms.Key) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // A key policy always names its own key as "*".
        resources: ['*'],
      }));
    }
  }

  /**
   * An error if the alarm topic is a topic of the app encrypted with the AWS managed key, whose
   * key policy CloudWatch alarms cannot use: written as the alias, its ARN, or a key from either.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
   */
  private validateAlarmTopic(): string[] {
    const topic = this.alarmTopic?.node.defaultChild;
    if (!CfnResource.isCfnResource(topic) || topic.cfnResourceType !== sns.CfnTopic.CFN_RESOURCE_TYPE_NAME) return [];
    const key: unknown = Stack.of(topic).resolve((topic as sns.CfnTopic).kmsMasterKeyId);
    // An ARN formatted in the stack is a join of literal parts and pseudo parameters.
    const literal = typeof key === 'string' ? key : literalPartsOf(key);
    if (literal === undefined || !/(^|:)alias\/aws\/sns$/i.test(literal)) return [];
    return [`${this.node.path}: alarmTopic: '${this.alarmTopic!.node.path}' is encrypted with the AWS managed key alias/aws/sns, whose key policy does not let CloudWatch alarms publish to it; use a customer managed key that allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*, or no encryption.`];
  }
}

/** The literal text of an `Fn::Join` with the empty separator, with its other parts left out. */
function literalPartsOf(value: unknown): string | undefined {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
  return join[1].map((part) => (typeof part === 'string' ? part : '')).join('');
}

/** CloudWatch's longest alarm name. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html */
const MAX_ALARM_NAME = 255;
/** The longest `alarmNamePrefix`, so that the route and alarm parts of a name stay readable. */
const MAX_ALARM_NAME_PREFIX = 100;

/** The prefix after checking it: 1 to 100 characters, none of them a control character (CloudWatch refuses those). */
function validateAlarmNamePrefix(where: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined) return undefined;
  if (Token.isUnresolved(prefix)) {
    throw new Error(`${where}: alarmNamePrefix: must be known at synth time, not a token: the alarm names are built from it.`);
  }
  if (prefix.length === 0 || prefix.length > MAX_ALARM_NAME_PREFIX) {
    throw new Error(`${where}: alarmNamePrefix: must be 1 to ${MAX_ALARM_NAME_PREFIX} characters, got ${prefix.length}; leave it out for generated names.`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(prefix)) {
    throw new Error(`${where}: alarmNamePrefix: ${JSON.stringify(prefix)} has a control character, which CloudWatch does not accept in an alarm name.`);
  }
  return prefix;
}

/** `name`, or, past CloudWatch's 255 characters, its start and a hash of the whole. */
function alarmNameOf(name: string): string {
  if (name.length <= MAX_ALARM_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_ALARM_NAME - hash.length - 1)}-${hash}`;
}
