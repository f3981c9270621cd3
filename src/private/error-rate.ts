import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/**
 * The share of the requests an ALB target group received, in percent, that failed on the way:
 * answered with a 5xx by the service, or not connected to a target.
 */
export function errorRateOf(targetGroup: elbv2.IApplicationTargetGroup, label: string,
  props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
  const period = { period: props.period };
  return new cloudwatch.MathExpression({
    ...props,
    expression: '100 * (FILL(target5xx, 0) + FILL(connectionErrors, 0)) / requests',
    usingMetrics: {
      requests: targetGroup.metrics.requestCount(period),
      target5xx: targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period),
      connectionErrors: targetGroup.metrics.targetConnectionErrorCount(period),
    },
    label: props.label ?? label,
  });
}
