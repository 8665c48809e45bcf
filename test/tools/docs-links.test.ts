// The docs are layered (a README front door, docs/ for the design, bench/README.md for figures) and
// linked to each other: a moved file or a renamed heading must fail here, not in a reader's browser.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README_MAX_LINES = 250;

const DESIGN_DOCS = readdirSync(path.join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const DOCS = ['README.md', 'bench/README.md', ...DESIGN_DOCS];
const FENCED_BLOCK = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;

/** Markdown without fenced blocks and inline code, where `[x](y)` is text, not a link. */
function prose(markdown: string): string {
  return markdown.replace(FENCED_BLOCK, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, text] of markdown.replace(FENCED_BLOCK, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const rendered = text!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = rendered.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n += 1) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** The relative link targets of `markdown`, in order. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map(([, target]) => target!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target)); // https:, mailto: — not this repo's files
}

/** Each relative link of `markdown` (the file `from`, a path inside `root`) whose file or heading is missing. */
function brokenLinks(markdown: string, from: string, root = ROOT): string[] {
  const broken: string[] = [];
  for (const target of relativeLinks(markdown)) {
    const [file, anchor] = target.split('#') as [string, string | undefined];
    const resolved = path.join(root, path.dirname(from), decodeURIComponent(file));
    if (file !== '' && (path.relative(root, resolved).startsWith('..') || !existsSync(resolved))) {
      broken.push(`${target} (no such file)`);
      continue;
    }
    if (anchor === undefined) continue;
    const headings = file === '' ? markdown : statSync(resolved).isFile() ? readFileSync(resolved, 'utf8') : '';
    if (!headingAnchors(headings).has(anchor)) broken.push(`${target} (no such heading)`);
  }
  return broken;
}

describe('the docs', () => {
  it(`README.md is at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    expect(lines.length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('README.md links to every doc in docs/ and to bench/README.md', () => {
    const linked = new Set(relativeLinks(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((target) => target.split('#')[0]));
    expect(DESIGN_DOCS.length).toBeGreaterThan(0);
    expect([...DESIGN_DOCS, 'bench/README.md'].filter((doc) => !linked.has(doc))).toEqual([]);
  });

  it.each(DOCS)('every relative link in %s names a file and a heading that exist', (doc) => {
    expect(brokenLinks(readFileSync(path.join(ROOT, doc), 'utf8'), doc)).toEqual([]);
  });

  it('the check reports a missing file and a missing heading, and skips code and web links', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'docs-links-'));
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, 'README.md'), '# Shop\n\n## Layout\n');
    writeFileSync(path.join(root, 'docs', 'other.md'), '# Other\n');
    const markdown = [
      '# Title',
      '## A heading: with `code`',
      '[ok](other.md) [ok](#title) [ok](#a-heading-with-code) [ok](../README.md#layout) [ok](other.md#other)',
      '[gone](missing.md) [gone](#no-such-heading) [gone](../README.md#no-such-heading) [gone](../../outside.md)',
      '[web](https://example.com/missing.md) `[code](missing.md)`',
      '```md',
      '[fenced](missing.md)',
      '```',
    ].join('\n');
    expect(brokenLinks(markdown, 'docs/page.md', root)).toEqual([
      'missing.md (no such file)',
      '#no-such-heading (no such heading)',
      '../README.md#no-such-heading (no such heading)',
      '../../outside.md (no such file)',
    ]);
  });
});
