import * as fs from 'fs';
import * as path from 'path';

/*
 * Every error names the construct the user made (the router, a route, a producer) and the prop
 * the user wrote, never a construct the library made inside, whose ID carries a generated hash
 * (`Router/vpc2/ProducerVpc1C211860B`, `Router/PrivateLink<path><hash>`). The error tests anchor
 * their expected messages at the start (`/^Test\/Router\/vpc2: producerVpc: /`); this reads them
 * all and fails on an expected prefix with a generated ID in it.
 */

const TEST_DIR = __dirname;

/** The files under test/ that hold jest tests. */
function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(file);
    return entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

/** The construct path before the first `: ` of each anchored message a test expects, with its file. */
const expectedPrefixes = testFiles(TEST_DIR).flatMap((file) => {
  const source = fs.readFileSync(file, 'utf-8');
  const anchored = /\/\^((?:\\\/|[\w\-.${}])+): /g;
  const prefixes: Array<{ file: string; prefix: string }> = [];
  for (let match = anchored.exec(source); match; match = anchored.exec(source)) {
    prefixes.push({ file: path.relative(TEST_DIR, file), prefix: match[1].replace(/\\\//g, '/') });
  }
  return prefixes;
});

/** A construct ID that ends in the 8 hex digits of a generated hash, such as `ProducerVpc1C211860B`. */
const GENERATED_ID = /(^|\/)[A-Za-z][\w-]*[0-9A-F]{8}(\/|$)/;

test('the error tests anchor many expected messages at their construct path', () => {
  expect(expectedPrefixes.length).toBeGreaterThan(100);
});

test('no expected error message starts with a construct the library generated, by its hashed ID', () => {
  const generated = expectedPrefixes.filter(({ prefix }) => GENERATED_ID.test(prefix));
  expect(generated).toEqual([]);
});

test('the check can fail: a hashed producer ID is recognised', () => {
  expect(GENERATED_ID.test('Test/Router/vpc2/ProducerVpc1C211860B')).toBe(true);
  expect(GENERATED_ID.test('Test/Router/vpc2')).toBe(false);
  expect(GENERATED_ID.test('Test/Service/Port8080')).toBe(false);
});
