import type { LoggerService, LogLevel } from '@nestjs/common';

export interface LogEntry {
  level: LogLevel;
  message: string;
  context?: string;
}

/** A Nest `LoggerService` that keeps every entry, at every level, for a test to read. */
export class CapturingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...rest: unknown[]): void { this.add('log', message, rest); }
  error(message: unknown, ...rest: unknown[]): void { this.add('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]): void { this.add('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]): void { this.add('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]): void { this.add('verbose', message, rest); }
  fatal(message: unknown, ...rest: unknown[]): void { this.add('fatal', message, rest); }

  at(...levels: LogLevel[]): LogEntry[] {
    return this.entries.filter((entry) => levels.includes(entry.level));
  }

  private add(level: LogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes the context last (and a stack before it for errors).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const text = typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message);
    this.entries.push({ level, message: `${text}${rest.length > 1 ? ` ${rest.slice(0, -1).map(String).join(' ')}` : ''}`, ...(context && { context }) });
  }
}
