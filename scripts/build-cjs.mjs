#!/usr/bin/env node
/**
 * The CommonJS half of the package, made from tsc's ESM output in dist/ (run by `npm run build`,
 * after tsc). tsc has already applied the decorators and their metadata, so esbuild only rewrites
 * module syntax:
 *
 * - dist/index.cjs, dist/testing/index.cjs: one bundle per entry; every package stays external
 *   except `jose`, which goes through dist/jose.cjs.
 * - dist/jose.cjs: the application's installed `jose` when this runtime can require() it (Node
 *   >= 20.19 requires ES modules), else dist/jose.bundled.cjs (a CommonJS copy of the installed jose,
 *   made here): Jest's CommonJS runtime cannot load ES modules. See docs/packaging.md.
 * - dist/**\/*.d.cts: the declarations again, for `require`, their relative imports ending in .cjs.
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const entries = ['index', 'testing/index'];

/** The installed jose, resolved from the project as the package would resolve it. */
const requireFromRoot = createRequire(join(root, 'package.json'));
const joseManifest = JSON.parse(readFileSync(requireFromRoot.resolve('jose/package.json'), 'utf8'));
const joseEntry = join(requireFromRoot.resolve('jose/package.json'), '..', joseManifest.exports['.'].default);
const joseLicense = readFileSync(join(joseEntry.split('/dist/')[0], 'LICENSE.md'), 'utf8');

// The library, one CommonJS bundle per entry.
for (const entry of entries) {
  const shim = relative(join(dist, entry, '..'), join(dist, 'jose.cjs'));
  await build({
    entryPoints: [join(dist, `${entry}.js`)],
    outfile: join(dist, `${entry}.cjs`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The optional peers (redis, @nestjs/websockets ...) are loaded with import(name): require() in CommonJS.
    supported: { 'dynamic-import': false },
    // Reads tsc's maps: the bundle's map points at lib/*.ts, which the package ships.
    sourcemap: true,
    keepNames: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'jose-shim',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^jose$/ }, () => ({ path: shim.startsWith('.') ? shim : `./${shim}`, external: true }));
        },
      },
    ],
  });
}

// jose: the installed copy where require() can load it, a CommonJS copy of it where it cannot.
writeFileSync(
  join(dist, 'jose.cjs'),
  `'use strict';
// The application's installed jose (an ES module) where this runtime can require() it, so that
// \`npm update jose\` reaches this package. Jest's CommonJS runtime cannot: there the CommonJS copy
// of jose ${joseManifest.version} made when this package was built is used. See docs/packaging.md.
let jose;
try {
  jose = require('jose');
} catch {
  jose = require('./jose.bundled.cjs');
}
module.exports = jose;
`,
);
await build({
  entryPoints: [joseEntry],
  outfile: join(dist, 'jose.bundled.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  banner: { js: `/*! jose ${joseManifest.version}, bundled from the installed dependency when nestjs-jwt-session was built.\n${joseLicense.trim()}\n*/` },
  logLevel: 'warning',
});

// Declarations for `require`: the same text, relative specifiers './x.js' -> './x.cjs' (resolved to ./x.d.cts).
const relativeSpecifier = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8').replace(relativeSpecifier, '$1$2$3.cjs$2').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
}
