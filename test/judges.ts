import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** cdk-nag AwsSolutions findings left after acknowledgements, as `rule construct-path` lines. */
export function findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(App.of(scope)!).validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`));
}

/** Every acknowledgement recorded under `scope`, as `construct-path rule` lines. */
export function acknowledgements(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data).map((rule) => `${construct.node.path} ${rule.replace(/^annotation::/i, '')}`)));
}

/** The failing AWS Control Tower controls of a stack, each with the logical IDs that fail it. */
export function failingControls(stack: Stack): Record<string, string[]> {
  const assembly = App.of(stack)!.synth();
  // A variable, not a literal: aws-cdk-lib 2.276's context also requires the app (appConstruct),
  // which 2.257's type does not know.
  const context = { templatePaths: [assembly.getStackByName(stack.stackName).templateFullPath], appConstruct: App.of(stack)! };
  const report = new CfnGuardValidator().validate(context);
  return Object.fromEntries(report.violations.map((violation) => [
    violation.description.match(/^\[(CT\.[A-Z0-9.]+)\]/)![1],
    violation.violatingResources.map((resource) => resource.resourceLogicalId).sort(),
  ]));
}

/** The failing AWS Control Tower controls of the resources under `scope` only, such as a router's, with how many fail each. */
export function failingControlsUnder(scope: IConstruct): Record<string, number> {
  const stack = Stack.of(scope);
  const ids = new Set(scope.node.findAll().filter(CfnResource.isCfnResource).map((resource) => stack.resolve(resource.logicalId)));
  return Object.fromEntries(Object.entries(failingControls(stack))
    .map(([control, failing]) => [control, failing.filter((id) => ids.has(id)).length] as const)
    .filter(([, count]) => count > 0));
}
