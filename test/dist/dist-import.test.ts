import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

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
    const script = fileURLToPath(new URL('./dist-app.mjs', import.meta.url));
    let stdout: string;
    let exitCode = 0;
    try {
      ({ stdout } = await run(process.execPath, [script], { cwd: root, timeout: 60_000 }));
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      stdout = failed.stdout ?? '';
      exitCode = failed.code ?? -1;
      if (!stdout) throw new Error(`dist-app.mjs failed without output: ${failed.stderr ?? String(error)}`);
    }
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
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
});
