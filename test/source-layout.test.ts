// The layout CONTRIBUTING.md's source map describes: one public construct per file, internals
// under src/private/, index.ts re-exporting only, and no import cycle between the source files.
import * as fs from 'fs';
import * as path from 'path';

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
