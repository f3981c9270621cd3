import { CURRENTLY_RECOMMENDED_FLAGS, NEW_PROJECT_DEFAULT_CONTEXT } from 'aws-cdk-lib/cx-api';
import { awscdk, javascript, JsonFile, ReleasableCommits } from 'projen';

// The floor: what the library builds, tests and snapshots against, and the lowest aws-cdk-lib a
// user may have (the peer dependency). Pinned below the newest because the integ snapshots need
// a version integ-runner accepts: aws-cdk-lib 2.276 emits cloud-assembly schema 55, which
// integ-runner 2.197.10 (the newest) rejects. The unit tests and the new-user check also run
// against the newest aws-cdk-lib (`test:latest`, `new-user:check:latest`, both in `ci`).
const CDK_VERSION = '2.257.0';
const INTEG_RUNNER_VERSION = '2.197.10';
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';

/** The example app synthesised by `npx cdk synth`; the integ tests import the same stack. */
const EXAMPLE_APP = 'integ/three-vpc-app.ts';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-alb-privatelink-router',
  description:
    'One public Application Load Balancer routing by path to services in many VPCs over AWS PrivateLink, deployed in a single cdk deploy.',
  author: 'Seed 0671b17e maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-0671b17e.example',
  repositoryUrl: 'https://github.com/maintainers/main.git',
  homepage: 'https://github.com/maintainers/main#readme',
  license: 'Apache-2.0',
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'privatelink', 'alb', 'nlb', 'vpc-endpoint', 'vpc', 'networking'],
  stability: 'experimental',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  // `engines`: what the README asks for, and what aws-cdk-lib itself requires (>= 20.0.0).
  // @types/node follows it (^20), so the scripts and tests type-check against Node 20's API.
  minNodeVersion: '20.0.0',
  // The GitHub workflows keep the current LTS (jsii warns on 20); .ci/run uses the machine's Node.
  workflowNodeVersion: 'lts/*',
  projenrcTs: true,
  githubOptions: {
    mergify: false,
    // PR titles become the squashed commit, so they follow the same conventional-commit types.
    pullRequestLintOptions: {
      semanticTitleOptions: {
        types: ['feat', 'fix', 'docs', 'test', 'refactor', 'style', 'perf', 'build', 'ci', 'chore', 'revert'],
      },
    },
  },

  // The release workflow (on every push to main) bumps the version from the conventional commits
  // since the last tag, writes the changelog into the GitHub release, and publishes to npm, PyPI
  // and Maven Central with the repository secrets named in CONTRIBUTING.md.
  release: true,
  // Only feat and fix commits (and breaking changes) make a release; docs, ci and the like wait.
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  releaseToNpm: true,
  npmAccess: javascript.NpmAccess.PUBLIC,
  publishToPypi: {
    distName: 'cdk-alb-privatelink-router',
    module: 'cdk_alb_privatelink_router',
  },
  publishToMaven: {
    javaPackage: 'io.github.albprivatelinkrouter',
    mavenGroupId: 'io.github.albprivatelinkrouter',
    mavenArtifactId: 'cdk-alb-privatelink-router',
    mavenServerId: 'central-ossrh',
  },

  devDeps: [
    `aws-cdk-lib@${CDK_VERSION}`,
    'aws-cdk',
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    // Offline deploy checks: aws-cdk's own diff engine, and the SDK clients that aws-cdk-lib's
    // AwsCustomResource handler loads (the Lambda runtime provides them in AWS).
    '@aws-cdk/cloudformation-diff',
    '@aws-sdk/client-ec2',
    '@aws-sdk/client-elastic-load-balancing-v2',
  ],

  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: { include: ['.projenrc.ts'], compilerOptions: {} },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'projenrc', 'bench', 'scripts'],
    // One dev tsconfig covers src, test and integ; the project service would look for one per folder.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },
  typecheckTests: true,
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  },
  // Snapshot verification compares templates only; asset bundles (MBs) stay out of git.
  // The rosetta tablet is rebuilt from the README by every compile.
  gitignore: ['cdk.out/', '.cdk.staging/', 'integ/**/cdk-integ.out.*', 'integ/**/*.snapshot/asset.*', '/.jsii.tabl.json'],
});

// The package holds the library only: no example output (`npx cdk synth` writes cdk.out/), tests,
// benchmarks or repository documents.
project.npmignore?.exclude('/integ/', '/cdk.json', '/cdk.out/', '/.cdk.staging/', '/.ci/', '/bench/', '/scripts/', '/docs/', '/CONTRIBUTING.md');
// Construct Hub translates the README's examples with the fixtures under rosetta/; the tablet
// carries the translations already made here.
project.npmignore?.include('/rosetta/', '/.jsii.tabl.json');

// npm 11 lists dependencies whose install scripts no one reviewed. @parcel/watcher (jest's watch
// mode, through jest-haste-map) has the only one: it runs node-gyp only when
// npm_config_build_from_source=true, and its prebuilt binary comes as an optional dependency, so
// its script is denied: it would do nothing.
project.package.addField('allowScripts', { '@parcel/watcher': false });

// The AWS SDK v3 clients the offline deploy checks load warn on every jest run on Node 20 that
// their releases after January 2027 need Node 22; the repository supports Node 20 (README).
const SDK_NODE_WARNING_OFF = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
for (const [name, value] of Object.entries(SDK_NODE_WARNING_OFF)) {
  project.testTask.env(name, value);
}

// PyPI lists CDK libraries under these trove classifiers.
project.package.file.addOverride('jsii.targets.python.classifiers', ['Framework :: AWS CDK', 'Framework :: AWS CDK :: 2']);

// Strict mode in the assembly: jsii-rosetta (here and on Construct Hub) fails on any README or
// doc-comment example that does not compile, instead of translating it as best it can.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile every README and doc-comment example (fixtures in rosetta/) and translate it to Python, Java, C# and Go (.jsii.tabl.json)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosettaExtract);

// `npx cdk synth` synthesises the three-VPC example (the README's main job), with the feature
// flags `cdk init` gives a new app of this aws-cdk-lib version.
new JsonFile(project, 'cdk.json', {
  obj: {
    app: `npx ts-node --prefer-ts-exts --project tsconfig.dev.json ${EXAMPLE_APP}`,
    output: 'cdk.out',
    notices: false,
    context: { ...NEW_PROJECT_DEFAULT_CONTEXT, ...CURRENTLY_RECOMMENDED_FLAGS },
  },
});

// integ-runner tests under integ/: snapshots are verified offline in CI, deployed by users.
const integRunner = 'integ-runner --directory integ --language typescript';
project.addTask('integ', {
  description: 'Verify the integ snapshots offline (fails on drift, with a diff)',
  exec: integRunner,
});
project.addTask('integ:update', {
  description: 'Re-create the integ snapshots offline, without deploying',
  exec: `${integRunner} --dry-run --update-on-failed`,
});
project.addTask('integ:deploy', {
  description: 'Deploy every integ test to the AWS account in your credentials and the region in AWS_REGION, run its assertions, destroy it',
  exec: 'bash scripts/integ-deploy.sh',
  receiveArgs: true,
});

// Synth benchmark of the compiled library against a hand-written baseline (docs/benchmark.md).
// Timings are noisy, so they live here and never in tests.
const bench = project.addTask('bench', {
  description: 'Synthesise 1 to 100 routes, construct vs hand-written, and print tables (pass -- --runs N --routes 1,10)',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json' },
});
bench.spawn(project.compileTask);
bench.exec('ts-node --transpile-only bench/bench.ts', { receiveArgs: true });

// README blocks generated by scripts/: each has a task that rewrites it and a check in `ci`.
const tsNode = 'ts-node --project tsconfig.dev.json';
project.addTask('docs:diagram', {
  description: 'Redraw the README architecture diagram (Mermaid) from the synthesised three-VPC example',
  exec: `${tsNode} scripts/architecture-diagram.ts`,
});
project.addTask('docs:examples', {
  description: 'Rewrite the README Python and Java examples from rosetta\'s translations of its TypeScript example (after compile)',
  exec: `${tsNode} scripts/language-examples.ts`,
});
project.addTask('docs:costs', {
  description: 'Rewrite the README cost tables from the price table in bench/prices.ts',
  exec: `${tsNode} scripts/cost-table.ts`,
});
const docsCheck = project.addTask('docs:check', {
  description: 'Fail if a generated README block is out of date',
});
docsCheck.exec(`${tsNode} scripts/architecture-diagram.ts --check`);
docsCheck.exec(`${tsNode} scripts/language-examples.ts --check`);
docsCheck.exec(`${tsNode} scripts/cost-table.ts --check`);
docsCheck.exec(`${tsNode} scripts/readme-block.ts --check`);

// Wheels and jars need PyPI and Maven Central; their generated sources are checked offline.
const BINDINGS_DIR = 'dist/bindings';
const bindings = project.addTask('bindings', {
  description: 'Generate the Python and Java sources with jsii-pacmak --code-only and check them (py_compile, every type, the README examples)',
});
bindings.exec(`rm -rf ${BINDINGS_DIR}`);
bindings.exec(`jsii-pacmak --code-only --target python --target java --outdir ${BINDINGS_DIR} --rosetta-unknown-snippets fail`);
bindings.exec(`${tsNode} scripts/check-bindings.ts ${BINDINGS_DIR}`);

// The newest aws-cdk-lib the registry serves, besides the floor: the unit tests in a copy of the
// repository with that aws-cdk-lib installed (the floor install stays as it is), and the
// new-user check with it in the new app. The integ snapshots stay on the floor (see CDK_VERSION).
project.addTask('test:latest', {
  description: 'Type-check the test suite and run the unit tests against the newest aws-cdk-lib (or -- --aws-cdk-lib <version>), in a copy of the repository',
  env: SDK_NODE_WARNING_OFF,
  exec: `${tsNode} scripts/latest-aws-cdk-lib.ts`,
  receiveArgs: true,
});
project.addTask('new-user:check', {
  description: 'Install the packed tarball into a new CDK app, paste every README example, and synthesise it: no error, no warning in the first',
  exec: `${tsNode} scripts/new-user-check.ts`,
  receiveArgs: true,
});
project.addTask('new-user:check:latest', {
  description: 'The new-user check with the newest aws-cdk-lib in the new app',
  exec: `${tsNode} scripts/new-user-check.ts --aws-cdk-lib latest`,
});

// The README's test command: everything CI checks, on a fresh clone, offline but for the npm
// registry, with CI set or not. It packages only the npm tarball: the Python and Java packages
// need PyPI and Maven Central, so the release workflow builds them; `bindings` checks their
// sources here. scripts/ci-summary.ts runs the steps (projen's own, the checks above, then
// no-projen-drift: `git diff --exit-code`), each timed, going on past a failure to every step
// that does not need the failed one, and ends on one line: `ci: N passed, M failed`.
project.addTask('ci', {
  description: 'Build, test on the floor and the newest aws-cdk-lib, check, and check that projen leaves no diff; ends on `ci: N passed, M failed` (what .ci/run runs)',
  exec: `${tsNode} scripts/ci-summary.ts`,
});

project.synth();
