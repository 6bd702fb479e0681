import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** What an application must install beside the package: its peers and its one dependency. */
const INSTALLED = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs', 'jose'];
const OPTIONAL = ['@nestjs/websockets', '@nestjs/microservices', '@nestjs/graphql', '@nestjs/apollo', '@nestjs/platform-fastify', '@nestjs/platform-socket.io', '@nestjs/platform-ws'];

function jsFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * GraphQL, WebSocket, microservice and Fastify packages are optional: the built package is
 * installed (in a temporary folder outside the project) beside its peers only, and must load,
 * guard an app and refuse on every transport.
 */
describe('the built package without the optional transport packages', () => {
  let app: string;
  let packageDir: string;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'nestjs-jwt-session-minimal-'));
    packageDir = join(app, 'node_modules', 'nestjs-jwt-session');
    mkdirSync(packageDir, { recursive: true });
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(packageDir, 'dist')], {
      cwd: root,
      timeout: 170_000,
    });
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, type: manifest.type, exports: manifest.exports }));
    for (const name of INSTALLED) {
      mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
      symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir');
    }
    copyFileSync(fileURLToPath(new URL('./optional-peers-app.mjs', import.meta.url)), join(app, 'app.mjs'));
  }, 180_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('imports none of them (no static import, no literal import(), no require): only WebSocket and microservice refusals load theirs, by name at run time', () => {
    const files = jsFiles(join(packageDir, 'dist'));
    const offenders = files.filter((file) => {
      const code = readFileSync(file, 'utf8');
      const literal = OPTIONAL.some((name) => new RegExp(`(from|import)\\s*\\(?\\s*['"]${name}['"/]`).test(code));
      return literal || /\brequire\s*\(/.test(code);
    });
    expect(offenders.map((file) => file.slice(packageDir.length))).toEqual([]);
    // The one place they are named in code (as strings, not in comments): the refusal builders, for a dynamic import with a fallback.
    const naming = files.filter((file) => OPTIONAL.some((name) => /['"]/.test(readFileSync(file, 'utf8').split(name).slice(0, -1).map((before) => before.at(-1)).join(''))));
    expect(naming.map((file) => file.slice(packageDir.length))).toEqual(['/dist/transport/transport-refusal.js']);
  });

  it('loads, guards an HTTP app, and refuses on other transports with its fallback errors', async () => {
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [join(app, 'app.mjs')], { cwd: app, timeout: 60_000 }));
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      stdout = failed.stdout ?? '';
      if (!stdout) throw new Error(`optional-peers-app.mjs failed without output: ${failed.stderr ?? String(error)}`);
    }
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; checks: Array<{ name: string; ok: boolean; detail?: unknown }> };
    expect(report.checks).toEqual([
      { name: 'optional packages cannot be resolved', ok: true },
      { name: 'HTTP: no token 401 token_missing', ok: true },
      { name: 'HTTP: valid token 200', ok: true },
      { name: 'HTTP: missing role 403', ok: true },
      { name: 'SocketSessions injectable', ok: true },
      { name: 'ws: refused with the WsException-shaped fallback', ok: true },
      { name: 'rpc: refused with the RpcException-shaped fallback', ok: true },
      { name: 'graphql: refused with a GraphQL error carrying code and reason', ok: true },
      { name: 'rpc: a valid token is accepted', ok: true },
      { name: 'SessionError exported', ok: true },
    ]);
    expect(report.ok).toBe(true);
  }, 90_000);
});
