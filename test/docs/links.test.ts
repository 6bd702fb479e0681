import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every relative link of README.md, SECURITY.md and docs/*.md reaches a file of the repository and,
 * for a Markdown page, a heading of that page (GitHub's anchors): pages move, links must follow.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = ['README.md', 'SECURITY.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** `[text](target)` outside code blocks and code spans; external and mail links left out. */
function linksOf(markdown: string): Array<{ target: string; line: number }> {
  const links: Array<{ target: string; line: number }> = [];
  let fenced = false;
  markdown.split('\n').forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const match of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/i.test(match[1]!)) links.push({ target: match[1]!, line: index + 1 });
    }
  });
  return links;
}

describe('documentation links', () => {
  it.each(PAGES)('every relative link of %s reaches its file and heading', (page) => {
    const broken: string[] = [];
    for (const { target, line } of linksOf(readFileSync(join(ROOT, page), 'utf8'))) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(ROOT, page) : normalize(join(dirname(join(ROOT, page)), path));
      if (!existsSync(file)) {
        broken.push(`${page}:${line} ${target} (no such file)`);
      } else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${page}:${line} ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  // A merge that left its markers in a page (docs/performance.md once carried one) shows both sides to readers.
  it.each(PAGES)('%s carries no merge-conflict markers', (page) => {
    const markers = readFileSync(join(ROOT, page), 'utf8')
      .split('\n')
      .flatMap((line, index) => (/^(<{7}|={7}|>{7})( |$)/.test(line) ? [`${page}:${index + 1} ${line}`] : []));
    expect(markers).toEqual([]);
  });
});
