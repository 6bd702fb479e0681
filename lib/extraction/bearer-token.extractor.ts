import { SessionError } from '../errors/session-error.js';
import type { TokenExtractor } from './token-extractor.interface.js';

/** RFC 6750 section 2.1: `Authorization: Bearer <token>`, scheme case-insensitive, exactly one token. */
export const bearerTokenExtractor: TokenExtractor = (request) => {
  const authorization = request.header('authorization');
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  // Another scheme (Basic, DPoP ...) is not ours to judge: look elsewhere.
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  const credentials = space === -1 ? '' : value.slice(space + 1).trim();
  if (credentials.length === 0 || /[\s,]/.test(credentials)) {
    throw new SessionError('token_malformed', { message: 'The Authorization header must carry exactly one bearer token' });
  }
  return credentials;
};

/** A bare token, or one already written `Bearer <token>`, as the value of an `Authorization` header. */
export function asAuthorization(token: string): string {
  return /^bearer\s/i.test(token) ? token : `Bearer ${token}`;
}
