import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KNOWN_OPTIONS } from '../../lib/options/session-options.js';
import { firstCellNames } from './table-names.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The options named in the first column of the "All options" table of docs/options.md. */
function documentedOptions(): Set<string> {
  const page = readFileSync(`${ROOT}docs/options.md`, 'utf8');
  return firstCellNames(page.slice(page.indexOf('## All options')));
}

describe('docs/options.md lists every option forRoot() takes', () => {
  it('has a row for each option the module accepts', () => {
    const documented = documentedOptions();
    expect([...KNOWN_OPTIONS].filter((name) => !documented.has(name))).toEqual([]);
  });
});
