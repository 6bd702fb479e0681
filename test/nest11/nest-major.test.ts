import { createRequire } from 'node:module';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import { nestMajor } from '../support/nest-major.js';

/** Guards the mapping itself: under jest.nest11.config.js, `@nestjs/*` is Nest 11, for our code and Nest's alike. */
describe('the Nest major under test (jest.nest11.config.js)', () => {
  const require = createRequire(import.meta.url);

  it.each(['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/testing', '@nestjs/websockets', '@nestjs/microservices', '@nestjs/graphql'])(
    '%s resolves to the Nest 11 side-by-side copy',
    (name) => {
      const entry = require.resolve(name);
      expect(entry).toContain('/test/nest11/node_modules/');
      const manifest = require(`${entry.slice(0, entry.indexOf(name) + name.length)}/package.json`) as { version: string };
      expect(manifest.version).toMatch(name === '@nestjs/graphql' ? /^13\./ : /^11\./);
    },
  );

  it('the modules imported by name are those copies (Nest 11 is CommonJS: its namespace has a default export)', () => {
    expect(nestMajor()).toBe(11);
    expect(Object.keys(common)).toContain('default');
    expect(Object.keys(core)).toContain('default');
    expect((common as unknown as { default: unknown }).default).toBe(require('@nestjs/common'));
  });
});
