import { Logger } from '@nestjs/common';

/** Warns once when a key source starts failing and once when it recovers, never per request. */
export class OutageLog {
  private failing = false;

  constructor(
    private readonly logger: Logger,
    private readonly source: string,
  ) {}

  failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const detail = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Keys from ${this.source} are unavailable: ${detail}`);
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log(`Keys from ${this.source} are available again`);
  }
}
