import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cfnLint, CfnLintFinding, describeFinding } from './cfn-lint';
import { checkExampleAppFixture, exampleApp, readmeExamples } from './readme-block';

/*
 * Does what the README tells a new user to do, with the package `npx projen package:js` built:
 *
 * 1. `cdk init app --language typescript --generate-only` of the repository's aws-cdk CLI, in a
 *    new folder `my-cdk-app` (the CLI reads its templates from its own package: no network);
 * 2. one `npm install` of what cdk init wrote, the packed tarball, and aws-cdk-lib at the version
 *    checked (`--aws-cdk-lib <version>`, default the repository's, the floor; `latest` asks npm);
 * 3. every TypeScript example of the README in a file of its own under `bin/`: the first
 *    example (a whole app) as cdk init's `bin/my-cdk-app.ts`, "the app the examples build on"
 *    on its own, and each later example at the end of that app, as the README says to paste it;
 * 4. cdk.json's app command, `npx tsc && npx tsx bin/my-cdk-app.ts`, in two parts: `npx tsc` once
 *    for every file, then `cdk synth --app "npx tsx bin/<example>.ts"` per example;
 * 5. cfn-lint on every template, each in its stack's Region.
 *
 * Prints one line per example (its README heading). Fails on a type error, a synth error, a
 * cfn-lint error, any warning of the first example's synth, a fixture that differs from the
 * README's block, and a tarball holding more than the library. Warnings of the later examples
 * are printed, not failed on: some examples show a warning on purpose. Uses only the npm registry.
 */

const ROOT = path.join(__dirname, '..');
/** What the package may hold, at its top level: the library, its docs and its translations. */
const PACKAGE_CONTENTS = ['.jsii', '.jsii.tabl.json', 'API.md', 'LICENSE', 'README.md', 'lib', 'package.json', 'rosetta'];
/** The folder name the README uses, which cdk init names the app's files after. */
const APP_NAME = 'my-cdk-app';
/** Synths run side by side. */
const PARALLEL = Math.max(1, Math.min(4, os.cpus().length));
const SYNTH_TIMEOUT_MS = 600_000;

interface Example {
  readonly heading: string;
  /** Under bin/. */
  readonly file: string;
  readonly source: string;
  /** The first example: any warning fails. */
  readonly strict: boolean;
}

interface Result {
  readonly example: Example;
  readonly errors: string[];
  readonly warnings: string[];
  readonly templates: string[];
  readonly seconds: number;
}

function versionOf(dependency: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dependency, 'package.json'), 'utf-8')).version;
}

function awsCdkLibVersion(): string {
  const flag = process.argv.indexOf('--aws-cdk-lib');
  const wanted = flag < 0 ? versionOf('aws-cdk-lib') : process.argv[flag + 1];
  if (!wanted) {
    throw new Error('--aws-cdk-lib needs a version, or latest');
  }
  if (wanted !== 'latest') {
    return wanted;
  }
  return execFileSync('npm', ['view', 'aws-cdk-lib', 'version'], { encoding: 'utf-8' }).trim();
}

function tarballOf(): string {
  const dir = path.join(ROOT, 'dist', 'js');
  const tarballs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) {
    throw new Error(`expected one tarball in dist/js (run npx projen package:js), found: ${tarballs.join(', ') || 'none'}`);
  }
  return path.join(dir, tarballs[0]);
}

function checkContents(tarball: string): void {
  const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf-8' }).split('\n').filter(Boolean);
  const topLevel = [...new Set(entries.map((entry) => entry.split('/')[1]))].sort();
  const unexpected = topLevel.filter((name) => !PACKAGE_CONTENTS.includes(name));
  if (unexpected.length > 0) {
    throw new Error(`the package holds more than the library: ${unexpected.join(', ')}`);
  }
  console.log(`package: ${entries.length} files under ${topLevel.join(', ')}`);
}

const slug = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Every TypeScript example of the README, as the file a user would make of it. */
function examples(): Example[] {
  const app = exampleApp();
  const files = new Set<string>();
  return readmeExamples().map((example, index): Example => {
    let file: string;
    let source: string;
    if (index === 0) {
      if (example.fixture !== 'complete' || !example.code.includes("from 'cdk-alb-privatelink-router'")) {
        throw new Error('the README\'s first TypeScript example must be a whole app (fixture=complete) that imports the package');
      }
      file = `${APP_NAME}.ts`;
      source = example.code;
    } else if (example.fixture === 'complete') {
      file = `${slug(example.heading)}.ts`;
      source = example.code;
    } else if (example.fixture === 'example-app') {
      file = `${slug(example.heading)}.ts`;
      source = `${app}\n${example.code}`;
    } else {
      throw new Error(`the README example under "${example.heading}" uses fixture=${example.fixture}: `
        + 'a user cannot paste it; make it a whole app (fixture=complete) or build it on the example app (fixture=example-app)');
    }
    if (files.has(file)) {
      throw new Error(`two README examples would be bin/${file}; give one of their headings another name`);
    }
    files.add(file);
    return { heading: example.heading, file, source, strict: index === 0 };
  });
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', timeout: SYNTH_TIMEOUT_MS, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** Writes the app as cdk init makes it, and installs it with the tarball and the aws-cdk-lib version wanted. */
function makeApp(dir: string, tarball: string, awsCdkLib: string): void {
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk');
  console.log(`cdk init app --language typescript --generate-only (aws-cdk ${versionOf('aws-cdk')}) in ${dir}`);
  run(cli, ['init', 'app', '--language', 'typescript', '--generate-only'], dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  const wrote = (name: string) => manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
  console.log(`cdk init wrote: typescript ${wrote('typescript')}, tsx ${wrote('tsx')}, @types/node ${wrote('@types/node')}, `
    + `aws-cdk ${wrote('aws-cdk')}, aws-cdk-lib ${wrote('aws-cdk-lib')}, constructs ${wrote('constructs')}; cdk.json app: `
    + JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf-8')).app);
  const started = Date.now();
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `aws-cdk-lib@${awsCdkLib}`], dir);
  const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf-8')).version;
  console.log(`npm install (${((Date.now() - started) / 1000).toFixed(0)} s): aws-cdk-lib ${installed('aws-cdk-lib')}, `
    + `constructs ${installed('constructs')}, typescript ${installed('typescript')}, tsx ${installed('tsx')}, aws-cdk ${installed('aws-cdk')}`);
}

/** `npx tsc` over the whole app, its errors sorted to the example files they are in. */
function typeCheck(dir: string, all: Example[]): Map<string, string[]> {
  const started = Date.now();
  const result = spawnSync('npx', ['tsc'], { cwd: dir, encoding: 'utf-8', timeout: SYNTH_TIMEOUT_MS });
  const errors = new Map<string, string[]>();
  const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
  for (const line of lines) {
    const example = all.find((e) => line.startsWith(`bin/${e.file}(`) || line.startsWith(`bin/${e.file}:`));
    const key = example?.file ?? '';
    errors.set(key, [...errors.get(key) ?? [], line.trim()]);
  }
  if (result.status !== 0 && lines.length === 0) {
    errors.set('', [`npx tsc exited ${result.status}:\n${result.stdout}${result.stderr}`]);
  }
  console.log(`npx tsc: ${lines.length} errors (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return errors;
}

/** Lines of a synth's output that are warnings or errors (aws-cdk-lib's annotations, deprecations, flags). */
function notable(output: string, pattern: RegExp): string[] {
  return output.split('\n').map((line) => line.trim()).filter((line) => pattern.test(line));
}

function synth(dir: string, example: Example): Promise<Result> {
  const started = Date.now();
  const out = path.join('cdk.out', example.file.replace(/\.ts$/, ''));
  const args = ['cdk', 'synth', '--quiet', '--no-notices', '--app', `npx tsx bin/${example.file}`, '--output', out];
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: dir, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    const timer = setTimeout(() => child.kill(), SYNTH_TIMEOUT_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      const errors = notable(output, /error/i);
      if (status !== 0) {
        errors.unshift(`cdk synth exited ${status}${errors.length === 0 ? `:\n${output.trim()}` : ''}`);
      }
      const outDir = path.join(dir, out);
      const templates = fs.existsSync(outDir)
        ? fs.readdirSync(outDir).filter((name) => name.endsWith('.template.json')).map((name) => path.join(outDir, name))
        : [];
      resolve({
        example,
        errors,
        warnings: notable(output, /warn|deprecat|feature flag/i).filter((line) => !errors.includes(line)),
        templates,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

async function synthAll(dir: string, all: Example[]): Promise<Result[]> {
  const results: Result[] = [];
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const example = all[next++];
      results.push(await synth(dir, example));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return all.map((example) => results.find((result) => result.example === example)!);
}

/** The Region of the stack a template belongs to, from the cloud assembly's manifest. */
function regionsOf(templates: string[]): Map<string, string> {
  const regions = new Map<string, string>();
  for (const manifestFile of new Set(templates.map((template) => path.join(path.dirname(template), 'manifest.json')))) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
    for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
      if (artifact.type === 'aws:cloudformation:stack') {
        const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment)?.[1];
        const file = path.join(path.dirname(manifestFile), artifact.properties.templateFile);
        regions.set(file, region && region !== 'unknown-region' ? region : 'us-east-1');
      }
    }
  }
  return regions;
}

/** cfn-lint on every template, one run per Region and batch; findings by template. */
function lintAll(templates: string[]): Map<string, CfnLintFinding[]> {
  const started = Date.now();
  const regions = regionsOf(templates);
  const findings = new Map<string, CfnLintFinding[]>();
  for (const region of new Set(regions.values())) {
    const files = templates.filter((template) => regions.get(template) === region);
    for (let i = 0; i < files.length; i += 15) {
      for (const finding of cfnLint(files.slice(i, i + 15), region)) {
        const file = path.resolve(finding.Filename ?? '');
        findings.set(file, [...findings.get(file) ?? [], finding]);
      }
    }
  }
  console.log(`cfn-lint: ${templates.length} templates (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return findings;
}

async function main(): Promise<void> {
  const started = Date.now();
  checkExampleAppFixture();
  const tarball = tarballOf();
  checkContents(tarball);
  const all = examples();
  const awsCdkLib = awsCdkLibVersion();
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'new-user-'));
  const dir = path.join(parent, APP_NAME);
  fs.mkdirSync(dir);
  let failed = 0;
  try {
    makeApp(dir, tarball, awsCdkLib);
    for (const example of all) {
      fs.writeFileSync(path.join(dir, 'bin', example.file), example.source);
    }
    const typeErrors = typeCheck(dir, all);
    for (const line of typeErrors.get('') ?? []) {
      console.log(`FAIL npx tsc, outside the examples: ${line}`);
      failed++;
    }
    const synthStarted = Date.now();
    const results = await synthAll(dir, all);
    console.log(`cdk synth: ${all.length} examples, ${PARALLEL} at a time (${((Date.now() - synthStarted) / 1000).toFixed(0)} s)`);
    const findings = lintAll(results.flatMap((result) => result.templates));

    console.log(`\nThe README's TypeScript examples, with aws-cdk-lib ${awsCdkLib}:`);
    for (const result of results) {
      const { example } = result;
      const errors = [...typeErrors.get(example.file) ?? [], ...result.errors];
      const lint = result.templates.flatMap((template) => findings.get(path.resolve(template)) ?? []);
      const lintErrors = lint.filter((finding) => finding.Level === 'Error');
      const fails = errors.length > 0 || lintErrors.length > 0 || (example.strict && result.warnings.length > 0) || result.templates.length === 0;
      failed += fails ? 1 : 0;
      console.log(`${fails ? 'FAIL' : 'ok  '} ${example.heading} (bin/${example.file}): ${result.templates.length} stacks, `
        + `${errors.length} errors, ${result.warnings.length} warnings, cfn-lint ${lintErrors.length} errors and ${lint.length - lintErrors.length} other findings, `
        + `synth ${result.seconds.toFixed(0)} s`);
      for (const line of [...errors, ...result.warnings]) {
        console.log(`       ${line}`);
      }
      for (const finding of lintErrors) {
        console.log(`       cfn-lint ${finding.Level} ${describeFinding(finding)}`);
      }
      const others = new Map<string, number>();
      lint.filter((finding) => finding.Level !== 'Error').forEach((finding) => others.set(finding.Rule.Id, (others.get(finding.Rule.Id) ?? 0) + 1));
      if (others.size > 0) {
        console.log(`       cfn-lint other findings: ${[...others].map(([rule, count]) => `${rule} x${count}`).join(', ')}`);
      }
    }
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
  console.log(`\nnew-user:check: ${failed === 0 ? 'passed' : `${failed} failures`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failed > 0) {
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
