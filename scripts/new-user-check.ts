import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cfnLint, describeFinding } from './cfn-lint';
import { codeBlocks, readReadmeBlock } from './readme-block';

/*
 * Does what the README tells a new user to do, with the package `npx projen package:js` built:
 * a new TypeScript CDK app (the files of `cdk init app --language typescript` that a synth
 * reads), the tarball installed into it with npm, the README's first example pasted as its app,
 * and `cdk synth`. Fails on any error or warning of the synth, on a cfn-lint error in its
 * template, and when the tarball holds more than the library. Uses only the npm registry
 * (through npm's cache, which `npm ci` filled).
 */

const ROOT = path.join(__dirname, '..');
/** What the package may hold, at its top level: the library, its docs and its translations. */
const PACKAGE_CONTENTS = ['.jsii', '.jsii.tabl.json', 'API.md', 'LICENSE', 'README.md', 'lib', 'package.json', 'rosetta'];

function versionOf(dependency: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dependency, 'package.json'), 'utf-8')).version;
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

/** The README's first example: the TypeScript block between the `first-example` markers. */
function firstExample(): string {
  const [example] = codeBlocks(readReadmeBlock('first-example'), 'ts');
  if (!example?.includes("from 'cdk-alb-privatelink-router'")) {
    throw new Error('the README\'s first-example block has no TypeScript example that imports the package');
  }
  return example;
}

function writeApp(dir: string, tarball: string): void {
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  write('package.json', JSON.stringify({
    name: 'new-user-app',
    private: true,
    dependencies: {
      'aws-cdk-lib': versionOf('aws-cdk-lib'),
      'constructs': versionOf('constructs'),
      'cdk-alb-privatelink-router': `file:${tarball}`,
    },
    devDependencies: {
      'aws-cdk': versionOf('aws-cdk'),
      'ts-node': versionOf('ts-node'),
      'typescript': versionOf('typescript'),
      '@types/node': versionOf('@types/node'),
    },
  }, undefined, 2));
  // As `cdk init` writes them, for what a synth reads.
  write('tsconfig.json', JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['es2022'],
      strict: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      types: ['node'],
    },
    exclude: ['node_modules', 'cdk.out'],
  }, undefined, 2));
  write('bin/app.ts', firstExample());
}

function main(): void {
  const tarball = tarballOf();
  checkContents(tarball);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'new-user-app-'));
  try {
    writeApp(dir, tarball);
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', timeout: 600_000 });
    // The feature flags `cdk init` puts in cdk.json, from the app's own aws-cdk-lib.
    const cxApi = JSON.parse(execFileSync('node', ['-p', "JSON.stringify(require('aws-cdk-lib/cx-api'))"], { cwd: dir, encoding: 'utf-8' }));
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({
      app: 'npx ts-node --prefer-ts-exts bin/app.ts',
      context: { ...cxApi.NEW_PROJECT_DEFAULT_CONTEXT, ...cxApi.CURRENTLY_RECOMMENDED_FLAGS },
    }, undefined, 2));

    const synth = spawnSync('npx', ['cdk', 'synth', '--quiet'], { cwd: dir, encoding: 'utf-8', timeout: 600_000, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
    const output = `${synth.stdout}${synth.stderr}`.trim();
    console.log(`cdk synth of the README's first example exited ${synth.status}${output ? `, printing:\n${output}` : ', printing nothing'}`);
    if (synth.status !== 0 || /warn|error|deprecat|feature flag/i.test(output)) {
      throw new Error('the README\'s first example must synthesise without an error or warning');
    }
    const templateFile = path.join(dir, 'cdk.out', 'RouterDemo.template.json');
    const findings = cfnLint([templateFile], 'us-east-1');
    console.log(`cfn-lint of its template: ${findings.length} findings${findings.map((finding) => `\n  ${finding.Level} ${describeFinding(finding)}`).join('')}`);
    if (findings.some((finding) => finding.Level === 'Error')) {
      throw new Error('cfn-lint found errors in the template of the README\'s first example');
    }
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
    const count = (type: string) => Object.values<any>(template.Resources).filter((resource) => resource.Type === type).length;
    console.log(`template: ${count('AWS::ElasticLoadBalancingV2::LoadBalancer')} load balancers, ${count('AWS::EC2::VPCEndpointService')} endpoint service, `
      + `${count('AWS::EC2::VPCEndpoint')} interface endpoint, ${count('AWS::ElasticLoadBalancingV2::ListenerRule')} listener rule`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
