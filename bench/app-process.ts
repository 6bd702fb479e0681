import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppConfig, AppMessage, AppVariant } from './server/app-config.js';

export interface RunningApp {
  readonly variant: AppVariant;
  readonly url: string;
  readonly pid: number;
  /** Ends the process the way a deployment does (so that `--cpu-prof` writes its profile); resolves once it exited. */
  stop(): Promise<void>;
}

/** Starts one variant in its own process, so that the load generator never shares its event loop. */
export function startApp(config: AppConfig, execArgv: readonly string[] = []): Promise<RunningApp> {
  const child = fork(fileURLToPath(new URL('./server/main.js', import.meta.url)), [], {
    env: { ...process.env, BENCH_APP: JSON.stringify(config) },
    execArgv: [...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.disconnect();
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill(), reject(new Error(`${config.variant} did not start within 30 s`))), 30_000);
    child.once('message', (message: AppMessage) => {
      clearTimeout(timer);
      if ('error' in message) return reject(new Error(message.error));
      resolve({ variant: config.variant, url: `http://127.0.0.1:${message.port}`, pid: child.pid!, stop });
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${config.variant} exited with ${code}`))));
  });
}
