// The layout CONTRIBUTING.md's source map describes: one public construct per file, internals
// under src/private/, index.ts re-exporting only, and no import cycle between the source files.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');

const sourceFiles = fs.readdirSync(SRC, { recursive: true, encoding: 'utf-8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.split(path.sep).join('/'));

const textOf = (file: string) => fs.readFileSync(path.join(SRC, file), 'utf-8');

/** The source files `file` imports, type-only imports included, as paths relative to src/. */
function importsOf(file: string): string[] {
  return [...textOf(file).matchAll(/from '(\.{1,2}\/[^']+)'/g)]
    .map(([, specifier]) => path.posix.normalize(path.posix.join(path.posix.dirname(file), `${specifier}.ts`)));
}

test('no source file imports one that imports it back, directly or through others', () => {
  const cycles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (trail.includes(file)) {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    for (const imported of importsOf(file)) visit(imported, [...trail, file]);
  };
  sourceFiles.forEach((file) => visit(file, []));
  expect(cycles).toEqual([]);
});

test('index.ts only re-exports the public files, and none of src/private/', () => {
  const lines = textOf('index.ts').trim().split('\n');
  expect(lines.every((line) => /^export \* from '\.\/[a-z-]+';$/.test(line))).toBe(true);
  expect(lines.map((line) => `${line.match(/'\.\/(.+)'/)![1]}.ts`).sort())
    .toEqual(sourceFiles.filter((file) => !file.includes('/') && file !== 'index.ts').sort());
});

test('each public file declares one exported class, and src/private/ none', () => {
  const classesOf = (file: string) => [...textOf(file).matchAll(/^export class (\w+)/gm)].map(([, name]) => name);
  for (const file of sourceFiles.filter((name) => name !== 'index.ts')) {
    expect({ file, classes: classesOf(file).length }).toEqual({ file, classes: file.startsWith('private/') ? 0 : 1 });
  }
});

/**
 * Declarations at a file's top level that hold state: `let` and `var`, and `const`s made with
 * `new Map`, `new Set`, `new WeakMap`, `new WeakSet` or `new WeakRef`; and static class fields
 * that are not `readonly`. What the library remembers lives on constructs in the tree.
 */
function moduleStateOf(file: string, text = textOf(file)): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const collections = /^new (Map|Set|WeakMap|WeakSet|WeakRef)\b/;
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      const isConst = statement.declarationList.getFirstToken(source)?.kind === ts.SyntaxKind.ConstKeyword;
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer?.getText(source) ?? '';
        if (!isConst || collections.test(initializer)) found.push(`${file}: ${declaration.name.getText(source)}`);
      }
    }
    if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        const modifiers = ts.canHaveModifiers(member) ? ts.getModifiers(member) ?? [] : [];
        const has = (kind: ts.SyntaxKind) => modifiers.some((modifier) => modifier.kind === kind);
        if (ts.isPropertyDeclaration(member) && has(ts.SyntaxKind.StaticKeyword) && !has(ts.SyntaxKind.ReadonlyKeyword)) {
          found.push(`${file}: ${statement.name?.text}.${member.name.getText(source)}`);
        }
      }
    }
  }
  return found;
}

test('no source file keeps state at module level: no top-level let, var, Map, Set or WeakMap, no mutable static field', () => {
  expect(sourceFiles.flatMap((file) => moduleStateOf(file))).toEqual([]);
});

test('the check of module-level state finds each kind of it', () => {
  const file = 'private/__state-example.ts';
  const text = [
    'let counter = 0;',
    'const byStack = new WeakMap<object, string>();',
    'const seen = new Set<string>();',
    'const LIMIT = 5;',
    'function local() { const inner = new Map(); let n = 0; return [inner, n]; }',
    'class Holder { static count = 0; static readonly MAX = 1; }',
  ].join('\n');
  expect(moduleStateOf(file, text)).toEqual([`${file}: counter`, `${file}: byStack`, `${file}: seen`, `${file}: Holder.count`]);
});

test('every @default is a value or `- text`, as aws-cdk\'s props-default-doc rule asks', () => {
  const odd = sourceFiles.flatMap((file) => {
    const lines = textOf(file).split('\n');
    return lines.flatMap((line, index) => {
      const tag = /^\s*\* @default(.*)$/.exec(line);
      if (!tag) return [];
      const text = tag[1];
      const continues = !/^\s*\*(\/|\s*$|\s*@)/.test(lines[index + 1] ?? '');
      const isDescription = /^ - \S/.test(text);
      const isValue = /^ \S+$/.test(text) && !continues;
      return isDescription || isValue ? [] : [`${file}:${index + 1}: @default${text}`];
    });
  });
  expect(odd).toEqual([]);
});
