import { Annotations, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { cloudFormationExecutionRoleArnOf } from './aws-cdk-lib-internals';

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
 * admits the account, with a warning. `cdk deploy --role-arn` and deployment tools other than the
 * CDK CLI deploy with another role, which the route's `allowedPrincipals` must then name.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html
 */
export function endpointCreatorOf(scope: IConstruct): iam.ArnPrincipal {
  const ownStack = Stack.of(scope);
  // A nested stack is deployed by its top-level stack's deployment.
  let stack = ownStack;
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  if (stack.synthesizer instanceof DefaultStackSynthesizer) {
    return new iam.ArnPrincipal(cloudFormationExecutionRoleArnOf(stack.synthesizer));
  }
  Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:endpointServiceOpenToAccount',
    `${scope.node.path}: allowedPrincipals: the stack's synthesizer names no CloudFormation execution role, so the endpoint service admits every principal of account ${ownStack.account}, and any of them could connect an endpoint of their own to it, around the ALB. Give allowedPrincipals the role that deploys the stack, or use the DefaultStackSynthesizer.`);
  return accountRootOf(ownStack);
}

/** The principal that stands for every principal of the stack's account. */
export function accountRootOf(stack: Stack): iam.ArnPrincipal {
  return new iam.ArnPrincipal(stack.formatArn({ service: 'iam', region: '', resource: 'root' }));
}
