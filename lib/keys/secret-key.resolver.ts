import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';

/** A shared HMAC secret: only ever used with the HS* allow-list. */
export class SecretKeyResolver implements KeyResolver {
  private readonly keys: readonly VerificationKey[];

  constructor(secret: Uint8Array) {
    this.keys = Object.freeze([secret]);
  }

  async resolve(): Promise<readonly VerificationKey[]> {
    return this.keys;
  }
}
