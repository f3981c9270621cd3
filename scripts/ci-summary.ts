import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { LatestReport } from './latest-aws-cdk-lib';

/*
 * `npx projen ci`: every step CI runs, in order, each timed, its output passed through. A failed
 * step does not stop the run: every later step that does not need it still runs, and the ones
 * that need it are reported as not run. Ends on a table of what passed and failed (test counts,
 * aws-cdk-lib versions, seconds) and one closing line, `ci: N passed, M failed`, where M counts
 * the checks that failed or could not run; exits 1 if M is not 0.
 */

const ROOT = path.join(__dirname, '..');
const REPORTS = path.join(ROOT, 'test-reports');
const FLOOR_JEST_REPORT = path.join(REPORTS, 'jest-floor.json');
const LATEST_REPORT = path.join(REPORTS, 'latest-aws-cdk-lib.json');
/** The judges: suites of checks this project did not write (docs/testing.md#judges). */
const JUDGES: Record<string, string> = {
  'test/cdk-nag.test.ts': 'cdk-nag',
  'test/control-tower.test.ts': 'Control Tower',
};

interface Step {
  readonly name: string;
  /** Shell commands, run in order until one fails. */
  readonly commands: string[];
  /** Steps whose output this one uses: it does not run if one of them failed. */
  readonly needs?: string[];
  /** The summary rows of the step once it ran, from its exit code, its output and its reports. */
  readonly rows?: (run: Run) => Row[];
}

interface Run {
  readonly ok: boolean;
  readonly output: string;
  readonly seconds: number;
}

interface Row {
  readonly ok: boolean;
  readonly what: string;
}

interface JestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly testResults: {
    readonly name: string;
    readonly status: string;
    readonly assertionResults: { readonly status: string; readonly ancestorTitles: string[]; readonly title: string }[];
    readonly message: string;
  }[];
}

const floorVersion = (): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')).version;

const readJson = <T>(file: string): T | undefined => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : undefined);

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Unit-test and judge rows from one jest report: the judges are the suites in JUDGES. */
function jestRows(report: JestReport, awsCdkLib: string, leftOut: string[] = []): Row[] {
  const relative = (file: string) => file.slice(file.lastIndexOf('/test/') + 1);
  const judged = report.testResults.filter((suite) => JUDGES[relative(suite.name)]);
  const units = report.testResults.filter((suite) => !JUDGES[relative(suite.name)]);
  const passedIn = (suites: JestReport['testResults']) =>
    suites.reduce((sum, suite) => sum + suite.assertionResults.filter((test) => test.status === 'passed').length, 0);
  const failuresIn = (suites: JestReport['testResults']) => suites.flatMap((suite) => {
    const failed = suite.assertionResults.filter((test) => test.status === 'failed').map((test) => [relative(suite.name), ...test.ancestorTitles, test.title].join(' › '));
    // A suite that fails to load has no failed test, only its message.
    return failed.length > 0 || suite.status !== 'failed' ? failed : [`${relative(suite.name)}: ${suite.message.split('\n').find((line) => line.trim()) ?? 'failed'}`];
  });
  const unitFailures = failuresIn(units);
  const judgeFailures = failuresIn(judged);
  const missing = Object.entries(JUDGES).filter(([file]) => !judged.some((suite) => relative(suite.name) === file)).map(([, name]) => name);
  const judgeCounts = Object.entries(JUDGES).filter(([, name]) => !missing.includes(name))
    .map(([file, name]) => `${name} ${passedIn(judged.filter((suite) => relative(suite.name) === file))} passed`);
  return [
    {
      ok: unitFailures.length === 0 && units.length > 0,
      what: `unit tests, aws-cdk-lib ${awsCdkLib}: ${passedIn(units)} passed in ${plural(units.length, 'suite')}`
        + (leftOut.length ? ` (left out, on the floor only: ${leftOut.join(', ')})` : '')
        + (unitFailures.length ? `; ${unitFailures.length} failed: ${unitFailures.join('; ')}` : ''),
    },
    {
      ok: judgeFailures.length === 0 && missing.length === 0,
      what: `judges, aws-cdk-lib ${awsCdkLib}: ${judgeCounts.join(', ')}`
        + (missing.length ? `; did not run: ${missing.join(', ')}` : '')
        + (judgeFailures.length ? `; ${judgeFailures.length} failed: ${judgeFailures.join('; ')}` : ''),
    },
  ];
}

function floorTestRows(run: Run): Row[] {
  // The test task runs tsc, then jest, then eslint, and stops at the first that fails: jest's
  // report (removed before the step) tells which one it was.
  const report = readJson<JestReport>(FLOOR_JEST_REPORT);
  if (!report) {
    return [
      { ok: false, what: `unit tests and judges, aws-cdk-lib ${floorVersion()}: not run (the type-check failed)` },
      { ok: false, what: 'type-check of the test suite (tsc)' },
      { ok: false, what: 'eslint: not run' },
    ];
  }
  const rows = jestRows(report, floorVersion());
  const jestOk = rows.every((row) => row.ok);
  return [
    ...rows,
    { ok: true, what: 'type-check of the test suite (tsc)' },
    { ok: jestOk && run.ok, what: jestOk ? 'eslint' : 'eslint: not run (a test failed)' },
  ];
}

function latestTestRows(run: Run): Row[] {
  const report = readJson<LatestReport>(LATEST_REPORT);
  if (!report || report.typeErrors === undefined) {
    return [{ ok: false, what: `unit tests, aws-cdk-lib ${report?.awsCdkLib ?? 'newest'}: the copy with it did not install (see the output above)` }];
  }
  const jestReport = report.jestReport ? readJson<JestReport>(report.jestReport) : undefined;
  const rows: Row[] = [
    ...(jestReport
      ? jestRows(jestReport, report.awsCdkLib, report.leftOut)
      : [{ ok: false, what: `unit tests and judges, aws-cdk-lib ${report.awsCdkLib}: jest did not finish (see the output above)` }]),
    {
      ok: report.typeErrors.length === 0,
      what: `type-check of the test suite, aws-cdk-lib ${report.awsCdkLib}: ${plural(report.typeErrors.length, 'error')}`
        + (report.typeErrors.length ? `: ${report.typeErrors.join('; ')}` : ''),
    },
  ];
  if (run.ok !== rows.every((row) => row.ok)) {
    rows.push({ ok: false, what: `test:latest exited ${run.ok ? 0 : 'non-zero'}, which its report does not explain` });
  }
  return rows;
}

function newUserRows(label: string) {
  return (run: Run): Row[] => {
    const version = run.output.match(/with aws-cdk-lib (\S+?):/)?.[1] ?? label;
    const examples = run.output.match(/cdk synth: (\d+) examples/)?.[1];
    return [{ ok: run.ok, what: `new-user check, aws-cdk-lib ${version}${examples ? `: ${examples} README examples synthesised` : ''}` }];
  };
}

function integRows(run: Run): Row[] {
  const tests = fs.readdirSync(path.join(ROOT, 'integ')).filter((file) => /^integ\..*\.ts$/.test(file));
  return [{ ok: run.ok, what: `integ snapshots, aws-cdk-lib ${floorVersion()}: ${plural(tests.length, 'test')} (${tests.join(', ')})` }];
}

const STEPS: Step[] = [
  { name: 'projen synth', commands: ['projen default'] },
  { name: 'compile (jsii, README examples through jsii-rosetta)', commands: ['projen pre-compile', 'projen compile', 'projen post-compile'] },
  {
    name: 'test: type-check, unit tests with the judges, eslint (floor)',
    commands: [`rm -f ${FLOOR_JEST_REPORT}`, `projen test --json --outputFile=${FLOOR_JEST_REPORT}`],
    needs: ['compile (jsii, README examples through jsii-rosetta)'],
    rows: floorTestRows,
  },
  { name: 'test:latest: unit tests with the judges (newest aws-cdk-lib)', commands: [`rm -f ${LATEST_REPORT}`, 'projen test:latest'], rows: latestTestRows },
  { name: 'package:js', commands: ['projen package:js'], needs: ['compile (jsii, README examples through jsii-rosetta)'] },
  { name: 'new-user:check (floor)', commands: ['projen new-user:check'], needs: ['package:js'], rows: newUserRows('floor') },
  { name: 'new-user:check:latest', commands: ['projen new-user:check:latest'], needs: ['package:js'], rows: newUserRows('newest') },
  { name: 'bindings: Python and Java sources', commands: ['projen bindings'], needs: ['compile (jsii, README examples through jsii-rosetta)'] },
  { name: 'docs:check: generated README blocks up to date', commands: ['projen docs:check'], needs: ['compile (jsii, README examples through jsii-rosetta)'] },
  { name: 'integ: snapshots verified', commands: ['projen integ'], rows: integRows },
  { name: 'no-projen-drift (git diff --exit-code)', commands: ['git diff --ignore-space-at-eol --exit-code'] },
];

/** Runs one command in a shell, passing its output through and keeping a copy. */
function execute(command: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    console.log(`\n👾 ci: ${command}`);
    const child = spawn(command, { cwd: ROOT, shell: true, stdio: ['inherit', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    child.stdout.on('data', (data: Buffer) => { process.stdout.write(data); chunks.push(data.toString()); });
    child.stderr.on('data', (data: Buffer) => { process.stderr.write(data); chunks.push(data.toString()); });
    child.on('error', (error) => resolve({ ok: false, output: `${chunks.join('')}${error.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, output: chunks.join('') }));
  });
}

const duration = (seconds: number) => (seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`);

async function main(): Promise<void> {
  const started = Date.now();
  const lines: { status: 'passed' | 'FAILED' | 'NOT RUN'; what: string; seconds?: number }[] = [];
  const failedSteps = new Set<string>();
  for (const step of STEPS) {
    const blockers = (step.needs ?? []).filter((need) => failedSteps.has(need));
    if (blockers.length > 0) {
      failedSteps.add(step.name);
      lines.push({ status: 'NOT RUN', what: `${step.name} (needs: ${blockers.join(', ')})` });
      continue;
    }
    const stepStarted = Date.now();
    let run: Run = { ok: true, output: '', seconds: 0 };
    for (const command of step.commands) {
      const result = await execute(command);
      run = { ok: result.ok, output: run.output + result.output, seconds: 0 };
      if (!result.ok) break;
    }
    run = { ...run, seconds: Math.round((Date.now() - stepStarted) / 1000) };
    const rows = step.rows ? step.rows(run) : [{ ok: run.ok, what: step.name }];
    if (!run.ok && rows.every((row) => row.ok)) {
      rows.push({ ok: false, what: `${step.name}: exited non-zero` });
    }
    if (rows.some((row) => !row.ok)) {
      failedSteps.add(step.name);
    }
    rows.forEach((row, index) => lines.push({ status: row.ok ? 'passed' : 'FAILED', what: row.what, seconds: index === 0 ? run.seconds : undefined }));
  }

  const passed = lines.filter((line) => line.status === 'passed').length;
  console.log(`\nci summary (${duration(Math.round((Date.now() - started) / 1000))} in all; each step's time on its first line):`);
  for (const line of lines) {
    console.log(`  ${line.status.padEnd(7)}  ${line.seconds === undefined ? '      ' : duration(line.seconds).padStart(6)}  ${line.what}`);
  }
  console.log(`ci: ${passed} passed, ${lines.length - passed} failed`);
  if (passed !== lines.length) {
    process.exitCode = 1;
  }
}

void main();
