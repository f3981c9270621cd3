import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ThreeVpcExampleStack } from '../../integ/three-vpc-example';
import { CFN_LINT_TIMEOUT_MS, cfnLint, CfnLintFinding, describeFinding } from '../../scripts/cfn-lint';
import { AlbPrivateLinkRouter } from '../../src';
import { consumerStack, producer } from '../fixtures';
import { EVERY_OPTION_REGIONS, everyOptionApp } from './every-option-app';

/*
 * Runs cfn-lint (the AWS CloudFormation linter, `pip install cfn-lint`) over the templates the
 * library produces, to catch what CloudFormation would reject only at deploy time: out-of-range
 * values, invalid property combinations, unknown attributes. Errors fail the test; warnings must
 * be in ALLOWED_WARNINGS.
 */

/** Each test runs cfn-lint once (CFN_LINT_TIMEOUT_MS at most), with room for synthesis on top. */
const TEST_TIMEOUT_MS = CFN_LINT_TIMEOUT_MS + 30_000;

/** The warnings the templates raise today, by rule ID, each with why it is acceptable. */
const ALLOWED_WARNINGS: Record<string, string> = {
  // From aws-cdk-lib (custom resource providers: role before function) and from the router's
  // endpoint depending on the whole endpoint service construct, to also wait for its permissions.
  W3005: 'a DependsOn that a Ref or GetAtt already implies: redundant, harmless',
  // Only in the integ assertion stack: @aws-cdk/integ-tests-alpha grants `lambda:Invoke` (the SDK
  // call name) beside the real `lambda:InvokeFunction`; the extra action is never used.
  W3037: "IAM action 'lambda:Invoke' does not exist (integ-tests-alpha's assertion provider role)",
  // A stack with an explicit env gets concrete zone names from CDK (context lookup), not Fn::GetAZs.
  W3010: 'hard-coded Availability Zone names in subnets and instances of the eu-west-1 stack',
};

/** Fails on any error and any warning outside ALLOWED_WARNINGS, listing them all. */
function expectNoErrorsOrNewWarnings(findings: CfnLintFinding[]): void {
  const errors = findings.filter((f) => f.Level === 'Error').map(describeFinding);
  const unexpectedWarnings = findings
    .filter((f) => f.Level === 'Warning' && !(f.Rule.Id in ALLOWED_WARNINGS))
    .map(describeFinding);
  expect({ errors, unexpectedWarnings }).toEqual({ errors: [], unexpectedWarnings: [] });
  for (const f of findings) {
    if (f.Level === 'Warning') warningsSeen.add(f.Rule.Id);
  }
}

let tmpDir: string;
/** Allowed warning IDs seen so far, to check the allow-list has no stale entries. */
const warningsSeen = new Set<string>();
const BATCHES = 5;
let batchesLinted = 0;

beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
});

afterAll(() => {
  fs.rmSync(tmpDir, { recursive: true, force: true });
});

test('the three-VPC example stack lints clean', () => {
  const app = new App({ outdir: path.join(tmpDir, 'example.out') });
  const stack = new ThreeVpcExampleStack(app, 'Example');
  const templateFile = app.synth().getStackByName(stack.stackName).templateFullPath;
  // Environment-agnostic: lint against us-east-1's resource specifications.
  expectNoErrorsOrNewWarnings(cfnLint([templateFile], 'us-east-1'));
  batchesLinted++;
}, TEST_TIMEOUT_MS);

test('every integ snapshot template lints clean', () => {
  const integDir = path.join(__dirname, '..', '..', 'integ');
  const templateFiles = fs.readdirSync(integDir)
    .filter((name) => name.endsWith('.ts.snapshot'))
    .flatMap((dir) => fs.readdirSync(path.join(integDir, dir))
      .filter((name) => name.endsWith('.template.json'))
      .map((name) => path.join(integDir, dir, name)));
  // The integ stacks have no env.
  expectNoErrorsOrNewWarnings(cfnLint(templateFiles, 'us-east-1'));
  batchesLinted++;
}, TEST_TIMEOUT_MS);

test('a router with HTTPS, access logs, deletion protection and a host route lints clean', () => {
  const { stack, vpc } = consumerStack({ inEuWest1: true });
  const { vpc: producerVpc, instances } = producer(stack, 'P');
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc')],
    accessLogs: true,
    deletionProtection: true,
    routes: [{ hosts: ['api.example.com'], path: '/v1', stripPathPrefix: true, producerVpc, instances }],
  });
  // The fixture's App has no outdir, so CDK synthesises to a temporary directory of its own.
  const assembly = (stack.node.root as App).synth();
  try {
    expectNoErrorsOrNewWarnings(cfnLint([assembly.getStackByName(stack.stackName).templateFullPath], Stack.of(stack).region));
  } finally {
    fs.rmSync(assembly.directory, { recursive: true, force: true });
  }
  batchesLinted++;
}, TEST_TIMEOUT_MS);

test.each(Object.entries(EVERY_OPTION_REGIONS))('the app with every option lints clean in its %s Region', (_which, region) => {
  const assembly = everyOptionApp(path.join(tmpDir, `every-option-${region}.out`)).synth();
  const templateFiles = assembly.stacks.filter((stack) => stack.environment.region === region).map((stack) => stack.templateFullPath);
  expectNoErrorsOrNewWarnings(cfnLint(templateFiles, region));
  batchesLinted++;
}, TEST_TIMEOUT_MS);

test('every allowed warning still occurs, so the allow-list has no stale entries', () => {
  // Only meaningful after every batch ran (not when jest -t picked some of them).
  if (batchesLinted < BATCHES) return;
  expect(Object.keys(ALLOWED_WARNINGS).sort()).toEqual([...warningsSeen].sort());
});

test('the check can fail: a template with an out-of-range port and priority has errors', () => {
  // A copy of a snapshot template, so the test needs no synthesis and leaves the original alone.
  const source = path.join(__dirname, '..', '..', 'integ', 'integ.three-vpc.ts.snapshot', 'AlbPrivateLinkRouterThreeVpc.template.json');
  const template = JSON.parse(fs.readFileSync(source, 'utf-8'));
  const resources: Record<string, any> = template.Resources;
  const idOfType = (type: string) => Object.keys(resources).find((id) => resources[id].Type === type)!;
  const targetGroup = idOfType('AWS::ElasticLoadBalancingV2::TargetGroup');
  const listenerRule = idOfType('AWS::ElasticLoadBalancingV2::ListenerRule');
  expect([targetGroup, listenerRule]).not.toContain(undefined);
  resources[targetGroup].Properties.Port = 70000;
  resources[listenerRule].Properties.Priority = 0;
  const broken = path.join(tmpDir, 'broken.template.json');
  fs.writeFileSync(broken, JSON.stringify(template, undefined, 1));

  // Linting the original alongside isolates the errors the two changes add from any it has already.
  const errorsIn = (findings: CfnLintFinding[], file: string) => findings
    .filter((f) => f.Level === 'Error' && f.Filename === file)
    .map((f) => `${f.Rule.Id} ${(f.Location?.Path ?? []).join('/')}`);
  const findings = cfnLint([source, broken], 'us-east-1');
  const added = errorsIn(findings, broken).filter((error) => !errorsIn(findings, source).includes(error));
  expect(added.sort()).toEqual([
    `E3034 Resources/${listenerRule}/Properties/Priority`,
    `E3034 Resources/${targetGroup}/Properties/Port`,
  ].sort());
}, TEST_TIMEOUT_MS);
