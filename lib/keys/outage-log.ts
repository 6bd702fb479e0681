import type { LoggerService } from '@nestjs/common';

/** Where key warnings go: Nest's `Logger('SessionKeys')` in the module, a capture in tests. */
export type KeyLogger = Pick<LoggerService, 'warn' | 'log'>;

/**
 * Warns once when a key source starts failing and once when it recovers, never per request;
 * and once more if, during the outage, the last good keys grow too old to be served.
 */
export class OutageLog {
  private failing = false;
  private expired = false;

  constructor(
    private readonly logger: KeyLogger,
    private readonly source: string,
  ) {}

  failed(error: unknown, servingStaleKeys = false): void {
    if (this.failing) return;
    this.failing = true;
    const detail = error instanceof Error ? error.message : String(error);
    const consequence = servingStaleKeys ? '; serving the last keys fetched until it recovers' : '';
    this.logger.warn(`Keys from ${this.source} are unavailable: ${detail}${consequence}`);
  }

  staleKeysExpired(maxStaleMs: number): void {
    if (this.expired) return;
    this.expired = true;
    this.logger.warn(`Keys from ${this.source} were last fetched more than ${maxStaleMs} ms ago: refusing them until the source recovers`);
  }

  succeeded(): void {
    this.expired = false;
    if (!this.failing) return;
    this.failing = false;
    this.logger.log(`Keys from ${this.source} are available again`);
  }
}
