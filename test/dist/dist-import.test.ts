import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Report {
  ok: boolean;
  jose?: string;
  checks: Array<{ name: string; ok: boolean }>;
}

/** Runs one of the plain Node programs beside this file; its last stdout line is its JSON report. */
async function runReport(file: string, nodeFlags: string[] = []): Promise<{ report: Report; exitCode: number }> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  let stdout: string;
  let exitCode = 0;
  try {
    ({ stdout } = await run(process.execPath, [...nodeFlags, script], { cwd: root, timeout: 60_000 }));
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    stdout = failed.stdout ?? '';
    exitCode = failed.code ?? -1;
    if (!stdout) throw new Error(`${file} failed without output: ${failed.stderr ?? String(error)}`);
  }
  return { report: JSON.parse(stdout.trim().split('\n').pop()!) as Report, exitCode };
}

/** The built package, used the way a plain Nest 12 application would use it. */
describe('dist/: the built package', () => {
  beforeAll(async () => {
    await run('npm', ['run', 'build'], { cwd: root, timeout: 170_000 });
  }, 180_000);

  it('ships type declarations', () => {
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
  });

  it('is imported by name from plain Node ESM and guards a Nest app (401 without a token, 200 with one)', async () => {
    const { report, exitCode } = await runReport('./dist-app.mjs');
    expect(report.checks).toEqual([
      { name: 'resolved from dist', ok: true },
      { name: 'public route 200', ok: true },
      { name: 'no token 401 token_missing', ok: true },
      { name: 'valid token 200', ok: true },
      { name: 'missing role 403', ok: true },
      { name: 'SessionService injectable', ok: true },
    ]);
    expect(report.ok).toBe(true);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('is require()d by name, with its testing kit, from a plain CommonJS file, using the installed jose', async () => {
    const { report, exitCode } = await runReport('./dist-app.cjs');
    expect(report.checks).toEqual([
      { name: 'resolved from dist/index.cjs', ok: true },
      { name: 'testing kit resolved from dist/testing/index.cjs', ok: true },
      { name: 'public route 200', ok: true },
      { name: 'no token 401 token_missing', ok: true },
      { name: 'minted token 200', ok: true },
      { name: 'missing role 403', ok: true },
      { name: 'expired token 401 token_expired', ok: true },
      { name: 'SessionService injectable', ok: true },
    ]);
    expect(report.jose).toBe('installed');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('falls back to its bundled jose where require() cannot load ES modules (as under Jest CommonJS)', async () => {
    const { report, exitCode } = await runReport('./dist-jose-fallback.cjs', ['--no-experimental-require-module']);
    expect(report.checks).toEqual([
      { name: 'this runtime cannot require() jose', ok: true },
      { name: 'the bundled copy serves', ok: true },
      { name: 'a minted token verifies', ok: true },
    ]);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('has CommonJS entries with their own declarations, and a legacy (node10) main/types', () => {
    const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { main: string; types: string; exports: Record<string, { import: Record<string, string>; require: Record<string, string> }> };
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : [...Object.values(entry.import), ...Object.values(entry.require)]))];
    expect(targets.filter((target) => !existsSync(join(root, target)))).toEqual([]);
    expect(manifest.exports['.']!.require).toEqual({ types: './dist/index.d.cts', default: './dist/index.cjs' });
    expect(manifest.exports['./testing']!.require).toEqual({ types: './dist/testing/index.d.cts', default: './dist/testing/index.cjs' });
    // .d.cts files import .cjs siblings (resolved to .d.cts), never the ESM .js declarations.
    expect(readFileSync(`${root}dist/index.d.cts`, 'utf8')).toMatch(/from '\.\/session\.module\.cjs'/);
    expect(readFileSync(`${root}dist/index.d.cts`, 'utf8')).not.toMatch(/\.js'/);
  });

  it('packs LICENSE, both builds, the testing stub for node10, and the sources every source map names', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 60_000 });
    const files = new Set((JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path));
    for (const file of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/testing/index.cjs', 'dist/jose.cjs', 'dist/jose.bundled.cjs', 'testing/package.json']) {
      expect([file, files.has(file)]).toEqual([file, true]);
    }
    const unshipped = [...files]
      .filter((file) => file.endsWith('.map'))
      .flatMap((map) => (JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] }).sources.map((source) => normalize(join(dirname(map), source))))
      .filter((source) => !files.has(source));
    expect(unshipped).toEqual([]);
    expect([...files].filter((file) => file.startsWith('test/') || file.startsWith('node_modules/'))).toEqual([]);
  }, 90_000);
});
