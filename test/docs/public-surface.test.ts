import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as runtime from '../../lib/index.js';
import { firstCellNames } from './table-names.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every name `lib/index.ts` exports, values and types alike, read from its source. */
function exportedNames(): string[] {
  const source = readFileSync(`${ROOT}lib/index.ts`, 'utf8');
  const names: string[] = [];
  for (const match of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const entry of match[1]!.split(',')) {
      const name = entry.replace(/^\s*type\s+/, '').replace(/\s+as\s+.*$/, '').trim();
      if (name) names.push(name);
    }
  }
  return names;
}

/** The names the API reference lists: every `code span` in a table row's first cell. */
function documentedNames(): Set<string> {
  return firstCellNames(readFileSync(`${ROOT}docs/api.md`, 'utf8'));
}

describe('the public surface is what the docs describe', () => {
  it('every export of lib/index.ts is listed in docs/api.md', () => {
    const documented = documentedNames();
    expect(exportedNames().filter((name) => !documented.has(name))).toEqual([]);
  });

  it('docs/api.md lists nothing the package does not export', () => {
    const exported = new Set(exportedNames());
    expect([...documentedNames()].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('reads every runtime export (the source scan above misses none)', () => {
    const scanned = new Set(exportedNames());
    expect(Object.keys(runtime).filter((name) => !scanned.has(name))).toEqual([]);
  });

  it('keeps internals out: options instances, tokens and key plumbing', () => {
    for (const internal of ['SessionOptions', 'SESSION_OPTIONS', 'IssuerConfig', 'KeySource', 'KeyResolver', 'VerificationKey']) {
      expect(exportedNames()).not.toContain(internal);
    }
  });
});
