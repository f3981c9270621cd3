import { Annotations, DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The principal that creates the interface endpoints of `scope`'s stack, to be the only one an
 * endpoint service of the router's own may admit.
 *
 * An endpoint service admits a connection when the principal calling CreateVpcEndpoint is one of
 * its allowed principals (an account, an IAM role or an IAM user). With the default synthesizer,
 * the CDK CLI deploys through the bootstrap's CloudFormation execution role, and CloudFormation
 * makes every call of the deployment with that role, so only deployments through it (not any
 * principal of the account that may create endpoints) can connect to the service.
 *
 * With another synthesizer the deploying principal is not known at synth time: the service then
 * admits the account, with a warning.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html
 */
export function endpointCreatorOf(scope: IConstruct, where: string): iam.ArnPrincipal {
  const stack = Stack.of(scope);
  if (stack.synthesizer instanceof DefaultStackSynthesizer) {
    // The synthesizer writes the ARN with `${AWS::AccountId}`-style placeholders for the CLI;
    // in a template they need Fn::Sub.
    return new iam.ArnPrincipal(Fn.sub(stack.synthesizer.cloudFormationExecutionRoleArn));
  }
  Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:endpointServiceOpenToAccount',
    `${where}: the stack's synthesizer names no CloudFormation execution role, so the endpoint service admits every principal of account ${stack.account}, and any of them could connect an endpoint of their own to it, around the ALB. Use the DefaultStackSynthesizer, or create the PrivateLinkProducer yourself with allowedPrincipals.`);
  return accountRootOf(stack);
}

/** The principal that stands for every principal of the stack's account. */
export function accountRootOf(stack: Stack): iam.ArnPrincipal {
  return new iam.ArnPrincipal(stack.formatArn({ service: 'iam', region: '', resource: 'root' }));
}
