import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Server nonces (RFC 9449 section 8) that every instance sharing the secret hands out and accepts
 * alike, with no shared state: a nonce is its time window and an HMAC of it. The current and the
 * previous window are accepted, so a nonce lives between one and two lifetimes.
 */
export class DpopNonces {
  private readonly lifetimeMs: number;

  constructor(
    private readonly secret: Uint8Array,
    lifetimeSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.lifetimeMs = lifetimeSeconds * 1000;
  }

  /** The nonce to send in `DPoP-Nonce` now. */
  current(): string {
    return this.nonceOf(this.window());
  }

  accepts(nonce: unknown): boolean {
    if (typeof nonce !== 'string' || nonce.length > 64) return false;
    const window = this.window();
    return this.same(nonce, this.nonceOf(window)) || this.same(nonce, this.nonceOf(window - 1));
  }

  private window(): number {
    return Math.floor(this.now() / this.lifetimeMs);
  }

  private nonceOf(window: number): string {
    const label = window.toString(36);
    const mac = createHmac('sha256', this.secret).update(`dpop-nonce.${label}`).digest('base64url');
    return `${label}.${mac}`;
  }

  private same(given: string, expected: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
