import * as fs from 'fs';
import * as path from 'path';

/** The README that the docs scripts read and rewrite. */
export const README = path.join(__dirname, '..', 'README.md');

/**
 * Generated README content lives between `<!-- name:start -->` and `<!-- name:end -->`, so the
 * hand-written text around it is never touched.
 */
function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** The text between a block's markers, without the newlines that follow and precede them. */
export function readReadmeBlock(name: string): string {
  const readme = fs.readFileSync(README, 'utf-8');
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`README.md has no "${start}" ... "${end}" block`);
  }
  return readme.slice(from + start.length, to).replace(/^\n/, '').replace(/\n$/, '');
}

/** The contents of every fenced code block of the given language, in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp('^```' + language + '[^\\n]*\\n([\\s\\S]*?)^```$', 'gm');
  return [...markdown.matchAll(fence)].map(match => match[1]);
}

/**
 * Puts `content` between the block's markers. With `check`, changes nothing and fails when the
 * README differs, naming the command that brings it up to date.
 */
export function writeReadmeBlock(name: string, content: string, check: boolean, regenerate: string): void {
  const current = readReadmeBlock(name);
  const wanted = content.replace(/\n$/, '');
  if (current === wanted) {
    return;
  }
  if (check) {
    console.error(`README.md block "${name}" is out of date; run \`${regenerate}\` and commit README.md.`);
    const currentLines = current.split('\n');
    const wantedLines = wanted.split('\n');
    currentLines.filter(line => !wantedLines.includes(line)).forEach(line => console.error(`- ${line}`));
    wantedLines.filter(line => !currentLines.includes(line)).forEach(line => console.error(`+ ${line}`));
    process.exit(1);
  }
  const readme = fs.readFileSync(README, 'utf-8');
  const { start, end } = markers(name);
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  fs.writeFileSync(README, `${before}\n${wanted}\n${after}`);
  console.log(`README.md block "${name}" updated.`);
}

/** One fenced TypeScript example of the README, with the heading it stands under. */
export interface ReadmeExample {
  /** The nearest heading above it, with ` (2)`, ` (3)`... for further examples under one heading. */
  readonly heading: string;
  /** Its rosetta fixture (`fixture=` on the fence), `default` without one. */
  readonly fixture: string;
  readonly code: string;
}

/** Every ```ts block of the README, in order, with its heading and fixture. */
export function readmeExamples(): ReadmeExample[] {
  const readme = fs.readFileSync(README, 'utf-8');
  const examples: ReadmeExample[] = [];
  const seen = new Map<string, number>();
  let heading = '(top)';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const title = /^#{1,6} (.+)$/.exec(lines[i]);
    if (title) {
      heading = title[1];
      continue;
    }
    const fence = /^```(\S+)(.*)$/.exec(lines[i]);
    if (!fence) {
      continue;
    }
    const end = lines.indexOf('```', i + 1);
    if (fence[1] === 'ts') {
      const count = (seen.get(heading) ?? 0) + 1;
      seen.set(heading, count);
      examples.push({
        heading: count === 1 ? heading : `${heading} (${count})`,
        fixture: /fixture=(\S+)/.exec(fence[2])?.[1] ?? 'default',
        code: lines.slice(i + 1, end).join('\n') + '\n',
      });
    }
    i = end;
  }
  return examples;
}

/**
 * The README's "app the examples build on": the TypeScript block between the `example-app`
 * markers. The later examples each go at its end.
 */
export function exampleApp(): string {
  const [app] = codeBlocks(readReadmeBlock('example-app'), 'ts');
  if (app === undefined) {
    throw new Error('README.md\'s example-app block holds no ```ts block');
  }
  return app;
}

/** rosetta/example-app.ts-fixture, which rosetta compiles the `fixture=example-app` examples in. */
export const EXAMPLE_APP_FIXTURE = path.join(__dirname, '..', 'rosetta', 'example-app.ts-fixture');

/** What that fixture must hold: the README's block, and rosetta's `/// here` where an example goes. */
export function exampleAppFixture(): string {
  return `${exampleApp()}\n/// here\n`;
}

/** Fails, naming the fix, when the fixture is not the README's block. */
export function checkExampleAppFixture(): void {
  const current = fs.existsSync(EXAMPLE_APP_FIXTURE) ? fs.readFileSync(EXAMPLE_APP_FIXTURE, 'utf-8') : '';
  if (current !== exampleAppFixture()) {
    throw new Error(`${path.relative(process.cwd(), EXAMPLE_APP_FIXTURE)} is not the README's example-app block followed by \`/// here\`; `
      + 'run `npx ts-node --project tsconfig.dev.json scripts/readme-block.ts` and commit it.');
  }
}

/*
 *   ts-node --project tsconfig.dev.json scripts/readme-block.ts           rewrite rosetta/example-app.ts-fixture from the README
 *   ts-node --project tsconfig.dev.json scripts/readme-block.ts --check   fail if it differs
 */
if (require.main === module) {
  if (process.argv.includes('--check')) {
    checkExampleAppFixture();
    console.log(`${path.relative(process.cwd(), EXAMPLE_APP_FIXTURE)} is the README's example-app block.`);
  } else {
    fs.writeFileSync(EXAMPLE_APP_FIXTURE, exampleAppFixture());
    console.log(`${path.relative(process.cwd(), EXAMPLE_APP_FIXTURE)} written from the README's example-app block.`);
  }
}
