import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's binaries (redis-server, redis-sentinel): the path of `name`, if installed. */
export function redisBinary(name: 'redis-server' | 'redis-sentinel' | 'redis-cli'): string | undefined {
  return [`/usr/bin/${name}`, `/usr/local/bin/${name}`].find((path) => existsSync(path));
}

/** `redis-cli -p <port> ...args` on loopback; its stdout. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const cli = redisBinary('redis-cli');
  if (!cli) throw new Error('redis-cli is not installed: apt-get install -y redis-server');
  const { stdout } = await run(cli, ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout;
}

/** Polls `check` (a failure counts as "not yet") until it holds; throws after `timeoutMs`. */
export async function untilRedis(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
