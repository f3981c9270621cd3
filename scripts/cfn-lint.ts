import { spawnSync } from 'child_process';

/** One finding in cfn-lint's `--format json` output. */
export interface CfnLintFinding {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Filename: string | null;
  readonly Rule: { readonly Id: string };
  readonly Location?: { readonly Path?: Array<string | number> | null };
}

/** How long one cfn-lint run may take. */
export const CFN_LINT_TIMEOUT_MS = 90_000;

/**
 * cfn-lint's exit code is a bitmask of the levels found: 2 error, 4 warning, 8 informational.
 * Any other bit (1: crash, 32: bad arguments) means it did not lint. Arithmetic, as the house
 * style forbids bitwise operators.
 */
const onlyFindingBits = (code: number) => code >= 0 && code < 16 && code % 2 === 0;
const hasErrorBit = (code: number) => Math.floor(code / 2) % 2 === 1;

/**
 * Lints `files` in one run of cfn-lint (the AWS CloudFormation linter, `pip install cfn-lint`)
 * and returns its findings; throws if cfn-lint cannot run or its output is not what it should be.
 */
export function cfnLint(files: string[], region: string): CfnLintFinding[] {
  if (files.length === 0) {
    throw new Error('cfn-lint was given no template to lint.');
  }
  const result = spawnSync('cfn-lint', ['--format', 'json', '--regions', region, '--', ...files], {
    encoding: 'utf-8',
    timeout: CFN_LINT_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('cfn-lint is not on PATH: install it with `pip install cfn-lint`.');
  }
  if (result.error || result.status === null) {
    throw new Error(`cfn-lint did not finish (${result.error?.message ?? `signal ${result.signal}`}); ${CFN_LINT_TIMEOUT_MS} ms allowed. stderr:\n${result.stderr}`);
  }
  if (!onlyFindingBits(result.status)) {
    throw new Error(`cfn-lint failed with exit code ${result.status} (try \`pip install cfn-lint\`). stderr:\n${result.stderr}`);
  }
  let findings: CfnLintFinding[];
  try {
    findings = JSON.parse(result.stdout);
  } catch {
    throw new Error(`cfn-lint printed no JSON (exit code ${result.status}). stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  // A JSON list that disagrees with the exit code would mean the output is not what we think it is.
  if (findings.some((f) => f.Level === 'Error') !== hasErrorBit(result.status)) {
    throw new Error(`cfn-lint's exit code ${result.status} and its findings disagree on whether there are errors.`);
  }
  return findings;
}

/** A finding on one line: rule ID, message, file and path in the template. */
export function describeFinding(finding: CfnLintFinding): string {
  const where = (finding.Location?.Path ?? []).join('/');
  return `${finding.Rule.Id} ${finding.Message} (${finding.Filename ?? '-'}: ${where})`;
}
