import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** docs/stores.md shows the worked example store; the contract suite runs the same code as a fixture. */
describe('docs/stores.md', () => {
  it('shows each fixture it names exactly as the tests run it (with the package import)', () => {
    const page = readFileSync(`${ROOT}docs/stores.md`, 'utf8');
    const shown = [...page.matchAll(/<!-- fixture: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];
    expect(shown.map(([, path]) => path)).toEqual(['test/revocation/fixtures/polling-revocation.store.ts']);
    for (const [, path, code] of shown) {
      const fixture = readFileSync(`${ROOT}${path}`, 'utf8').replace(/'(\.\.\/)+lib\/index\.js'/g, "'nestjs-jwt-session'");
      expect(code).toBe(fixture);
    }
  });
});
