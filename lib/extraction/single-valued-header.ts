import { SessionError } from '../errors/session-error.js';

/**
 * Credential fields that are single-valued (RFC 9110 section 5.3). Node keeps the first of a
 * repeated `Authorization` in `headers` and drops the rest without a word, so a proxy and the app
 * could each act on a different token: a repeat is refused as ambiguous instead.
 */
const SINGLE_VALUED: ReadonlySet<string> = new Set(['authorization']);

/** Node's `IncomingMessage` (Express's request) or a Fastify request around one (`raw`). */
interface NodeRequestLike {
  rawHeaders?: unknown;
  raw?: { rawHeaders?: unknown };
}

/** The header lines as received (`[name, value, name, value, ...]`), before Node merges or drops any. */
function rawHeaderLines(request: unknown): readonly unknown[] | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const { rawHeaders, raw } = request as NodeRequestLike;
  if (Array.isArray(rawHeaders)) return rawHeaders;
  return Array.isArray(raw?.rawHeaders) ? raw.rawHeaders : undefined;
}

/**
 * Throws `token_malformed` when the single-valued field `name` (lower case) came in more than one
 * header line; does nothing for other fields or requests without raw header lines.
 */
export function refuseRepeatedHeader(request: unknown, name: string): void {
  if (!SINGLE_VALUED.has(name)) return;
  const lines = rawHeaderLines(request);
  if (lines === undefined) return;
  let count = 0;
  for (let index = 0; index < lines.length; index += 2) {
    const line = lines[index];
    if (typeof line === 'string' && line.length === name.length && line.toLowerCase() === name) count++;
  }
  if (count > 1) {
    const field = name[0]!.toUpperCase() + name.slice(1);
    throw new SessionError('token_malformed', { message: `The request carries ${count} ${field} headers: the field is single-valued, the request is ambiguous` });
  }
}
