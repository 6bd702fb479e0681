import { SessionConfigError } from '../errors/session-config.error.js';

/** Readers for option values: each returns the checked value or throws naming the option. */

export function nonEmptyStrings(option: string, value: unknown): readonly string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0)) {
    throw new SessionConfigError(option, 'must be a non-empty string or a non-empty array of non-empty strings');
  }
  return Object.freeze([...(list as string[])]);
}

export function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new SessionConfigError(option, 'must be a non-empty string');
  return value;
}

export function numberOption(option: string, value: unknown, fallback: number, check: (n: number) => boolean, rule: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new SessionConfigError(option, `must be ${rule}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export const positiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;
export const nonNegative = (n: number): boolean => n >= 0;
export const nonNegativeInteger = (n: number): boolean => Number.isInteger(n) && n >= 0;

export function nameOrFalse(option: string, value: unknown, fallback: string): string | false {
  if (value === undefined) return fallback;
  if (value === false || (typeof value === 'string' && value.length > 0)) return value;
  throw new SessionConfigError(option, 'must be a non-empty string or false');
}

/** Unknown keys are refused: a typo such as `jwksUrl` must not start an app with a check missing. */
export function rejectUnknownKeys(input: object, known: ReadonlySet<string>, prefix = ''): void {
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new SessionConfigError(`${prefix}${key}`, 'is not an option of SessionModule');
  }
}
