import { createRequire } from 'node:module';

/**
 * The major version of the `@nestjs/core` the tests run against: 12 from the project's
 * node_modules, 11 under jest.nest11.config.js (which maps `@nestjs/*` to test/nest11).
 */
export function nestMajor(): number {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@nestjs/core');
  const root = entry.slice(0, entry.lastIndexOf('/@nestjs/core/') + '/@nestjs/core/'.length);
  const { version } = require(`${root}package.json`) as { version: string };
  return Number(version.split('.')[0]);
}
