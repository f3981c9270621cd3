import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * The unit tests against the newest aws-cdk-lib the npm registry serves (or `--aws-cdk-lib
 * <version>`), without touching the repository's own install of the floor:
 *
 * 1. a copy of the repository's files (what git tracks or would track: src, test, integ, bench,
 *    scripts, docs, README.md, package.json, package-lock.json, tsconfig.dev.json, ...) in a
 *    temporary folder;
 * 2. `npm install` there with aws-cdk-lib at that version: the lock keeps every other package at
 *    the floor's versions (jest, ts-jest, cdk-nag, integ-tests-alpha, the SDK clients ...);
 * 3. `tsc --noEmit` over the test suite (what it imports, src included), as the floor's `test`
 *    task does, then jest with the repository's jest configuration, without coverage;
 * 4. a summary naming the aws-cdk-lib version, written to test-reports/latest-aws-cdk-lib.json
 *    for scripts/ci-summary.ts, and the exit code: 1 on a type error or a failed test.
 *
 * Left out: test/deploy-time/integ-assertions.test.ts. It checks the committed integ snapshots,
 * which the floor synthesised and which stay on it (integ-runner rejects the newest aws-cdk-lib's
 * cloud assembly), with integ-tests-alpha's handler bundle: no aws-cdk-lib code runs in it, so
 * its result cannot depend on the aws-cdk-lib installed. The cfn-lint test also lints the
 * snapshots; it stays in, as its allow-list check counts the warnings of every case.
 */

const ROOT = path.join(__dirname, '..');
const REPORT = path.join(ROOT, 'test-reports', 'latest-aws-cdk-lib.json');
const JEST_REPORT = path.join(ROOT, 'test-reports', 'jest-latest.json');
/** Test files that stay on the floor, with why (above). */
const LEFT_OUT = ['test/deploy-time/integ-assertions.test.ts'];
const TIMEOUT_MS = 3_600_000;

/** What scripts/ci-summary.ts reads. */
export interface LatestReport {
  readonly awsCdkLib: string;
  readonly leftOut: string[];
  /** The type-check's errors; absent if the copy did not install. */
  readonly typeErrors?: string[];
  /** jest's --json output, absent if jest did not run. */
  readonly jestReport?: string;
  readonly passed: boolean;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}

function resolveVersion(wanted: string): string {
  // For a range, npm prints one `aws-cdk-lib@x.y.z 'x.y.z'` line per match, the highest last.
  const printed = execFileSync('npm', ['view', `aws-cdk-lib@${wanted}`, 'version'], { encoding: 'utf-8' }).trim();
  const version = printed.split('\n').pop()!.replace(/^.* '(.*)'$/, '$1');
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`npm knows no aws-cdk-lib ${wanted}: npm view printed "${printed}"`);
  }
  return version;
}

/** The repository's files, as git lists them (tracked, or new and not ignored). */
function copyRepository(dir: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf-8' })
    .split('\0').filter((file) => file && fs.existsSync(path.join(ROOT, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  console.log(`copied ${files.length} files of the repository to ${dir}`);
}

function install(dir: string, version: string): void {
  const manifestFile = path.join(dir, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  manifest.devDependencies['aws-cdk-lib'] = version;
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, undefined, 2));
  const started = Date.now();
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', timeout: TIMEOUT_MS });
  const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')).version;
  if (installed !== version) {
    throw new Error(`npm installed aws-cdk-lib ${installed}, not ${version}`);
  }
  console.log(`npm install (${seconds(started)}): aws-cdk-lib ${installed}`);
}

/** `tsc --noEmit` over test/ and what it imports, with the repository's dev tsconfig. */
function typeCheck(dir: string): string[] {
  fs.writeFileSync(path.join(dir, 'tsconfig.latest.json'), JSON.stringify({ extends: './tsconfig.dev.json', include: ['test/**/*.ts'] }));
  const started = Date.now();
  const result = spawnSync('npx', ['tsc', '--noEmit', '--pretty', 'false', '-p', 'tsconfig.latest.json'], { cwd: dir, encoding: 'utf-8', timeout: TIMEOUT_MS });
  // An error is its `file(line,col): error TSnnnn: ...` line and the indented lines under it.
  const errors = `${result.stdout}${result.stderr}`.split(/\n(?! )/).filter((error) => /error TS\d+/.test(error))
    .map((error) => error.split('\n').map((line) => line.trim()).join(' '));
  if (result.status !== 0 && errors.length === 0) {
    errors.push(`tsc exited ${result.status}: ${result.stdout}${result.stderr}`.trim());
  }
  console.log(`type-check of the test suite (${seconds(started)}): ${errors.length} errors${errors.map((error) => `\n  ${error}`).join('')}`);
  return errors;
}

function jest(dir: string): boolean {
  fs.rmSync(JEST_REPORT, { force: true });
  fs.mkdirSync(path.dirname(JEST_REPORT), { recursive: true });
  const result = spawnSync('npx', ['jest', '--ci', '--coverage=false', '--reporters=default', '--json', `--outputFile=${JEST_REPORT}`,
    '--testPathIgnorePatterns', '/node_modules/', ...LEFT_OUT.map((file) => `<rootDir>/${file}`)], { cwd: dir, stdio: 'inherit', timeout: TIMEOUT_MS });
  return result.status === 0 && fs.existsSync(JEST_REPORT);
}

const seconds = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

function main(): void {
  const version = resolveVersion(argument('--aws-cdk-lib') ?? 'latest');
  console.log(`unit tests against aws-cdk-lib ${version}; left out, on the floor: ${LEFT_OUT.join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-alb-privatelink-router-aws-cdk-lib-${version}-`));
  let report: LatestReport = { awsCdkLib: version, leftOut: LEFT_OUT, passed: false };
  try {
    copyRepository(dir);
    install(dir, version);
    const typeErrors = typeCheck(dir);
    const jestPassed = jest(dir);
    const jestReport = fs.existsSync(JEST_REPORT) ? JEST_REPORT : undefined;
    report = { ...report, typeErrors, jestReport, passed: jestPassed && typeErrors.length === 0 };
  } finally {
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, JSON.stringify(report, undefined, 2));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const results = report.jestReport ? JSON.parse(fs.readFileSync(report.jestReport, 'utf-8')) : undefined;
  console.log(`aws-cdk-lib ${version}: ${report.typeErrors?.length ?? 'no'} type errors in the test suite; `
    + (results ? `${results.numPassedTests} tests passed, ${results.numFailedTests} failed` : 'jest did not run'));
  if (!report.passed) {
    process.exitCode = 1;
  }
}

main();
