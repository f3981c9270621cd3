import * as fs from 'fs';
import * as path from 'path';

/*
 * docs/constraints.md lists every value AWS would refuse that the library rejects at synth time,
 * each with the test that pins it. This keeps the table honest: every row names an AWS page and a
 * test that exists, so a renamed or deleted test shows up here instead of leaving a row unpinned.
 */

const ROOT = path.join(__dirname, '..');
const TABLE = path.join(ROOT, 'docs', 'constraints.md');

interface Row {
  readonly line: number;
  readonly prop: string;
  readonly source: string;
  readonly testFile: string;
  readonly testNames: string[];
}

/** The table's rows: `| prop | rule | source | test/file.test.ts: test name; another test |`. */
function rowsOf(markdown: string): Row[] {
  return markdown.split('\n').flatMap((text, index) => {
    const cells = text.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
    if (cells.length !== 4 || cells[0] === 'prop' || /^-+$/.test(cells[0])) return [];
    const test = cells[3].replace(/`/g, '').match(/^(test\/[\w./-]+\.test\.ts): (.+)$/);
    return [{
      line: index + 1,
      prop: cells[0],
      source: cells[2],
      testFile: test?.[1] ?? '',
      testNames: (test?.[2] ?? '').replace(/\\\|/g, '|').split('; '),
    }];
  });
}

/** The titles of a test file's tests, as written: a `test.each` title keeps its placeholders. */
function titlesIn(source: string): string[] {
  const titles: string[] = [];
  // `test(`, `test.each(table)(` and `test.each<T>([...])(`: the title is the first string after the call's last `(`.
  const call = /\b(?:test|it|describe)(?:\.each(?:<[\s\S]*?>)?(?:\([\w.]+\)|\([\s\S]*?\]\s*\)))?\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g;
  for (let match = call.exec(source); match; match = call.exec(source)) {
    titles.push(match[2].replace(/\\(.)/g, '$1'));
  }
  return titles;
}

/**
 * Whether a title (with jest's `%s`-style or `$name` placeholders) can produce `name`, alone or
 * after the titles of the `describe` blocks around it.
 */
function titleMatches(title: string, name: string): boolean {
  const pattern = title
    .split(/(%[sdifjop#]|\$[\w.]+)/)
    .map((part, index) => (index % 2 === 1 ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^(.+ )?${pattern}$`).test(name);
}

const rows = rowsOf(fs.readFileSync(TABLE, 'utf-8'));

test('the constraints table has rows', () => {
  expect(rows.length).toBeGreaterThan(50);
});

test.each(rows.map((row) => [`${row.line}: ${row.prop}`, row] as const))('row %s cites an AWS page and names a test that exists', (_label, row) => {
  expect({ prop: row.prop, source: /https:\/\/docs\.aws\.amazon\.com\/|https:\/\/aws\.amazon\.com\//.test(row.source) }).toEqual({ prop: row.prop, source: true });
  expect({ prop: row.prop, testFile: row.testFile }).toEqual({ prop: row.prop, testFile: expect.stringMatching(/^test\//) });
  const file = path.join(ROOT, row.testFile);
  expect({ prop: row.prop, exists: fs.existsSync(file) }).toEqual({ prop: row.prop, exists: true });
  const titles = titlesIn(fs.readFileSync(file, 'utf-8'));
  const found = (name: string) => titles.some((title) => title === name || titleMatches(title, name));
  // Test names are separated by '; ', which a title may contain too: join parts until one is found.
  let name = '';
  for (const part of row.testNames) {
    name = name === '' ? part : `${name}; ${part}`;
    if (found(name)) name = '';
  }
  expect({ prop: row.prop, unmatched: name }).toEqual({ prop: row.prop, unmatched: '' });
});
