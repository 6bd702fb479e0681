import type { ReplayStore } from './replay-store.interface.js';

/**
 * Claims in Redis: `SET key 1 NX PX ttl`, so exactly one instance wins. `run` is the caller's
 * time-limited command runner (a failure there is `revocation_unavailable`: fail closed).
 */
export class RedisReplayClaims implements ReplayStore {
  constructor(
    private readonly run: (args: string[]) => Promise<unknown>,
    private readonly keyOf: (id: string) => string,
  ) {}

  async claimOnce(id: string, until: number): Promise<boolean> {
    const ttl = Math.ceil(until - Date.now());
    if (!(ttl > 0)) return true;
    return (await this.run(['SET', this.keyOf(id), '1', 'NX', 'PX', String(ttl)])) === 'OK';
  }
}
