/**
 * Checks the Python and Java sources that `jsii-pacmak --code-only` generated into BINDINGS_DIR.
 * Building a wheel or a jar needs PyPI and Maven Central (for the jsii runtime and aws-cdk-lib),
 * so this is what can be checked offline:
 *
 * - Python: every generated .py file compiles (`python3 -m py_compile`), every type in the jsii
 *   assembly is a class of the package, and the README's Python example uses only classes,
 *   arguments and attributes the package has (scripts/check_python_example.py).
 * - Java: every type in the jsii assembly has its .java file declaring it, and the README's Java
 *   example imports, builds with and calls only what those files declare.
 * - Every class of the assembly has an `@example` that jsii-rosetta compiled, so that Construct
 *   Hub shows it in every language.
 *
 *   ts-node --project tsconfig.dev.json scripts/check-bindings.ts BINDINGS_DIR
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { codeBlocks, readReadmeBlock } from './readme-block';

const ROOT = path.join(__dirname, '..');

interface JsiiTargets {
  readonly python: { readonly module: string };
  readonly java: { readonly package: string };
}

const failures: string[] = [];
function fail(message: string): void {
  failures.push(message);
}

function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' })
    .filter(file => file.endsWith(extension))
    .map(file => path.join(dir, file));
}

interface AssemblyType {
  readonly fqn: string;
  readonly name: string;
  readonly kind: string;
  readonly docs?: { readonly example?: string };
}

function assemblyTypes(): AssemblyType[] {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
  return Object.values(assembly.types as Record<string, AssemblyType>);
}

/** The names of the assembly's types; this library has no submodules or nested types. */
function assemblyTypeNames(): string[] {
  const names = assemblyTypes().map(type => type.name);
  if (names.length === 0) {
    throw new Error('.jsii declares no types; run `npx projen compile` first');
  }
  return names.sort();
}

function checkPython(pythonDir: string, module: string, typeNames: string[]): void {
  const files = filesUnder(pythonDir, '.py');
  if (files.length === 0) {
    fail(`no Python files under ${pythonDir}`);
    return;
  }
  const compile = spawnSync('python3', ['-m', 'py_compile', ...files], { stdio: 'inherit' });
  if (compile.status === 0) {
    console.log(`Python: all ${files.length} generated .py files compile`);
  } else {
    fail(`python3 -m py_compile failed on the generated Python package (exit ${compile.status})`);
  }

  const init = path.join(pythonDir, 'src', module, '__init__.py');
  const source = fs.readFileSync(init, 'utf-8');
  const missing = typeNames.filter(name => !new RegExp(`^class ${name}\\b`, 'm').test(source));
  if (missing.length > 0) {
    fail(`${init} lacks classes for ${missing.join(', ')}`);
  } else {
    console.log(`Python: all ${typeNames.length} types of the assembly are classes of ${module}`);
  }

  const [example] = codeBlocks(readReadmeBlock('language-examples'), 'python');
  if (example === undefined) {
    fail('README.md has no Python example in its language-examples block');
    return;
  }
  const checkExample = spawnSync('python3', [path.join(__dirname, 'check_python_example.py'), init, module],
    { input: example, stdio: ['pipe', 'inherit', 'inherit'] });
  if (checkExample.status !== 0) {
    fail('the README Python example does not match the generated bindings');
  }
}

/** Index just past the parenthesis that closes the one at `open`, skipping string literals. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const char = source[i];
    if (char === '"') {
      i = source.indexOf('"', i + 1);
    } else if (char === '(') {
      depth++;
    } else if (char === ')' && --depth === 0) {
      return i + 1;
    }
  }
  throw new Error(`unbalanced parentheses in: ${source.slice(open, open + 80)}`);
}

/** The methods called in a builder chain that starts at `from`, up to and including `build`. */
function chainedCalls(source: string, from: number): string[] {
  const calls: string[] = [];
  let at = from;
  for (;;) {
    const call = /^\s*\.(\w+)\(/.exec(source.slice(at));
    if (!call) {
      return calls;
    }
    calls.push(call[1]);
    at = closingParen(source, at + call[0].length - 1);
    if (call[1] === 'build') {
      return calls;
    }
  }
}

function checkJavaExample(example: string, javaPackage: string, javaFiles: Map<string, string>): number {
  let checked = 0;
  const declares = (type: string, pattern: RegExp, what: string): void => {
    checked++;
    const source = javaFiles.get(type);
    if (source === undefined) {
      fail(`the README Java example uses ${type}, which ${javaPackage} does not declare`);
    } else if (!pattern.test(source)) {
      fail(`the README Java example uses ${what}, which ${type}.java does not declare`);
    }
  };

  const imported = new Set<string>();
  for (const [, type] of example.matchAll(new RegExp(`^import ${javaPackage.replace(/\./g, '\\.')}\\.(\\w+);`, 'gm'))) {
    imported.add(type);
    declares(type, new RegExp(`\\b(class|interface|enum) ${type}\\b`), type);
  }
  // A type of the package used without its import would not compile where the example is pasted.
  for (const type of javaFiles.keys()) {
    if (!imported.has(type) && new RegExp(`\\b${type}\\b`).test(example.replace(/^import .*$/gm, ''))) {
      fail(`the README Java example uses ${type} without importing ${javaPackage}.${type}`);
    }
  }
  // `Type.Builder.create(...)` (constructs) and `Type.builder()` (structs) start builder chains.
  for (const start of example.matchAll(/\b(\w+)\.(?:Builder\.create|builder)\(/g)) {
    const type = start[1];
    if (!javaFiles.has(type)) {
      continue; // another library's builder, e.g. aws-cdk-lib's CfnOutput
    }
    const afterStart = closingParen(example, start.index + start[0].length - 1);
    for (const method of chainedCalls(example, afterStart)) {
      declares(type, new RegExp(`\\b(Builder|${type}) ${method}\\(`), `${type} builder method ${method}()`);
    }
  }
  // Calls on a variable of one of the package's types, e.g. `router.getLoadBalancer()`.
  for (const [, type, variable] of example.matchAll(/^(\w+) (\w+) = /gm)) {
    if (!javaFiles.has(type)) {
      continue;
    }
    for (const [, method] of example.matchAll(new RegExp(`\\b${variable}\\.(\\w+)\\(`, 'g'))) {
      declares(type, new RegExp(`public [^;{=]*\\b${method}\\(`), `${type}.${method}()`);
    }
  }
  if (checked === 0) {
    fail(`the README Java example uses nothing from ${javaPackage}, so nothing was checked`);
  }
  return checked;
}

function checkJava(javaDir: string, javaPackage: string, typeNames: string[]): void {
  const packageDir = path.join(javaDir, 'src', 'main', 'java', ...javaPackage.split('.'));
  const javaFiles = new Map(filesUnder(packageDir, '.java')
    .map(file => [path.basename(file, '.java'), fs.readFileSync(file, 'utf-8')]));
  const missing = typeNames.filter(name =>
    !new RegExp(`^public (?:abstract )?(?:class|interface|enum) ${name}\\b`, 'm').test(javaFiles.get(name) ?? ''));
  if (missing.length > 0) {
    fail(`${packageDir} lacks a ${missing.map(name => `${name}.java declaring public type ${name}`).join(', ')}`);
  } else {
    console.log(`Java: all ${typeNames.length} types of the assembly are public types in their own .java file`);
  }

  const [example] = codeBlocks(readReadmeBlock('language-examples'), 'java');
  if (example === undefined) {
    fail('README.md has no Java example in its language-examples block');
    return;
  }
  const failuresBefore = failures.length;
  const checked = checkJavaExample(example, javaPackage, javaFiles);
  if (failures.length === failuresBefore) {
    console.log(`README Java example: ${checked} imports and calls match the generated bindings`);
  }
}

/** Every class has an `@example`, compiled by `rosetta:extract` into the tablet. */
function checkClassExamples(): void {
  const tablet = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii.tabl.json'), 'utf-8'));
  const compiled = new Set(Object.values<any>(tablet.snippets)
    .filter(snippet => snippet.didCompile && snippet.location?.api?.api === 'type')
    .map(snippet => snippet.location.api.fqn));
  const classes = assemblyTypes().filter(type => type.kind === 'class');
  const without = classes.filter(type => !type.docs?.example || !compiled.has(type.fqn)).map(type => type.name);
  if (without.length > 0) {
    fail(`these classes have no @example that jsii-rosetta compiled: ${without.join(', ')}`);
  } else {
    console.log(`Examples: all ${classes.length} classes have an @example that jsii-rosetta compiled`);
  }
}

const bindingsDir = process.argv[2];
if (!bindingsDir) {
  throw new Error('usage: check-bindings.ts BINDINGS_DIR');
}
const targets: JsiiTargets = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).jsii.targets;
const typeNames = assemblyTypeNames();
checkPython(path.join(bindingsDir, 'python'), targets.python.module, typeNames);
checkJava(path.join(bindingsDir, 'java'), targets.java.package, typeNames);
checkClassExamples();
if (failures.length > 0) {
  failures.forEach(failure => console.error(`FAIL ${failure}`));
  process.exit(1);
}
