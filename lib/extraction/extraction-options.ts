import { SessionConfigError } from '../errors/session-config.error.js';
import { bearerTokenExtractor } from './bearer-token.extractor.js';
import { cookieTokenExtractor } from './cookie-token.extractor.js';
import type { TokenExtractor } from './token-extractor.interface.js';

/** Where the session token is found, as an application writes it (part of `SessionModuleOptions`). */
export interface ExtractionOptions {
  /** Replaces the default token location (Bearer header, then the session cookie). */
  extractToken?: TokenExtractor;
}

export const EXTRACTION_OPTION_KEYS: readonly (keyof ExtractionOptions)[] = Object.freeze(['extractToken']);

/** `extractToken`, else the Bearer header and then the session cookie (`sessionCookie`, unless `false`). */
export function readExtractors(input: ExtractionOptions, sessionCookie: string | false): readonly TokenExtractor[] {
  if (input.extractToken !== undefined) {
    if (typeof input.extractToken !== 'function') throw new SessionConfigError('extractToken', 'must be a function');
    return Object.freeze([input.extractToken]);
  }
  return Object.freeze(sessionCookie === false ? [bearerTokenExtractor] : [bearerTokenExtractor, cookieTokenExtractor(sessionCookie)]);
}
