import { SessionConfigError } from '../errors/session-config.error.js';
import { nonEmptyStrings, numberOption, positiveInteger } from '../config/option-readers.js';

/** What the module already knows that a push receiver's options default to or are checked against. */
export interface ReceiverContext {
  /** The module's `clientId`, if set. */
  readonly clientId?: string;
  /** Every configured `iss`. */
  readonly issuers: readonly string[];
}

/** The settings both receivers share, checked. */
export interface ReceiverConfig {
  readonly path: string;
  readonly issuers: readonly string[];
  readonly audience: readonly string[];
  readonly maxTokenAge: number;
}

/** A literal route path: no `:param` or wildcard, which the router would read as patterns. */
export function readPath(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._~!$&'()+,;=@/-]*$/.test(value)) {
    throw new SessionConfigError(option, `must be a path starting with "/" (no parameters or wildcards), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Path, accepted issuers (configured ones only: their keys verify the pushed tokens), audience
 * (default: the module's `clientId`), `iat` window.
 */
export function readReceiverConfig(
  root: string,
  input: { path?: unknown; issuers?: unknown; audience?: unknown; maxTokenAge?: unknown },
  defaults: { path: string; maxTokenAge: number },
  context: ReceiverContext,
): ReceiverConfig {
  const issuers = input.issuers === undefined ? context.issuers : nonEmptyStrings(`${root}.issuers`, input.issuers);
  const unknown = issuers.filter((iss) => !context.issuers.includes(iss));
  if (unknown.length) throw new SessionConfigError(`${root}.issuers`, `names ${unknown.join(', ')}, not a configured issuer (its keys are needed)`);
  if (input.audience === undefined && context.clientId === undefined) {
    throw new SessionConfigError(`${root}.audience`, 'is required (or the module clientId): the aud the provider addresses its tokens to');
  }
  return Object.freeze({
    path: readPath(`${root}.path`, input.path, defaults.path),
    issuers,
    audience: input.audience === undefined ? Object.freeze([context.clientId!]) : nonEmptyStrings(`${root}.audience`, input.audience),
    maxTokenAge: numberOption(`${root}.maxTokenAge`, input.maxTokenAge, defaults.maxTokenAge, positiveInteger, 'a positive integer of seconds'),
  });
}

export function readOptionsObject(root: string, value: unknown, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SessionConfigError(root, 'must be an object, true or false');
  for (const key of Object.keys(value)) if (!known.has(key)) throw new SessionConfigError(`${root}.${key}`, `is not an option of ${root}`);
  return value as Record<string, unknown>;
}
