/**
 * Writes the README's Python and Java examples: jsii-rosetta's translations of the TypeScript
 * example that follows `<!-- language-examples:typescript -->`, read from the tablet that
 * `npx projen rosetta:extract` writes (so run compile and rosetta:extract first).
 *
 *   ts-node --project tsconfig.dev.json scripts/language-examples.ts           rewrite the README block
 *   ts-node --project tsconfig.dev.json scripts/language-examples.ts --check   fail if it is out of date
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeBlocks, README, writeReadmeBlock } from './readme-block';

const TABLET = path.join(__dirname, '..', '.jsii.tabl.json');
const TYPESCRIPT_MARKER = '<!-- language-examples:typescript -->';

interface Tablet {
  readonly snippets: Record<string, { readonly translations: Record<string, { readonly source: string }> }>;
}

function typescriptExample(): string {
  const readme = fs.readFileSync(README, 'utf-8');
  const marker = readme.indexOf(TYPESCRIPT_MARKER);
  const [example] = marker < 0 ? [] : codeBlocks(readme.slice(marker), 'ts');
  if (example === undefined) {
    throw new Error(`README.md has no ts code block after ${TYPESCRIPT_MARKER}`);
  }
  return example;
}

/** Rosetta imports a struct once per use; one line per module reads as a person would write it. */
function mergePythonImports(source: string): string {
  const names = new Map<string, string[]>();
  const body = source.split('\n').filter(line => {
    const match = /^from (\S+) import (.+)$/.exec(line);
    if (match) {
      const known = names.get(match[1]) ?? [];
      names.set(match[1], [...new Set([...known, ...match[2].split(', ')])]);
    }
    return !match;
  });
  const imports = [...names].map(([module, imported]) => `from ${module} import ${imported.join(', ')}`);
  return [...imports, ...body].join('\n');
}

/** Rosetta writes `List.of(...)` without importing java.util.List. */
function addJavaListImport(source: string): string {
  return source.includes('List.of(') && !source.includes('import java.util.List;')
    ? `import java.util.List;\n${source}`
    : source;
}

function translations(example: string): { python: string; java: string } {
  if (!fs.existsSync(TABLET)) {
    throw new Error(`${TABLET} is missing; run \`npx projen compile && npx projen rosetta:extract\``);
  }
  const tablet: Tablet = JSON.parse(fs.readFileSync(TABLET, 'utf-8'));
  const snippet = Object.values(tablet.snippets).find(s => s.translations.$?.source.trim() === example.trim());
  if (!snippet?.translations.python || !snippet.translations.java) {
    throw new Error('the tablet has no translation of the README example; run `npx projen compile && npx projen rosetta:extract`');
  }
  // Rosetta leaves two blank lines after the imports.
  const tidy = (source: string): string => source.trim().replace(/\n{3,}/g, '\n\n');
  return {
    python: tidy(mergePythonImports(snippet.translations.python.source)),
    java: tidy(addJavaListImport(snippet.translations.java.source)),
  };
}

if (require.main === module) {
  const { python, java } = translations(typescriptExample());
  const block = [
    '### Python',
    '',
    '```python',
    python,
    '```',
    '',
    '### Java',
    '',
    '```java',
    java,
    '```',
  ].join('\n');
  writeReadmeBlock('language-examples', block, process.argv.includes('--check'), 'npx projen docs:examples');
}
