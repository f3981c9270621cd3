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
