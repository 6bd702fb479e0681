import type { RequestCredentials } from '../extraction/token-extractor.interface.js';
import type { DpopForwardedHeaders } from './dpop-options.js';
import type { DpopRequestUrl } from './dpop-proof-check.js';

/** What Express and Fastify requests (also the one under a GraphQL resolver) offer. */
interface HttpRequestLike {
  originalUrl?: unknown;
  url?: unknown;
  socket?: { encrypted?: unknown };
  raw?: { socket?: { encrypted?: unknown } };
}

function firstValue(value: string | undefined): string | undefined {
  const first = value?.split(',', 1)[0]?.trim();
  return first ? first : undefined;
}

/** RFC 7239: `for=...;proto=https;host=api.example.com`, the first element only. */
function forwardedPair(header: string | undefined, name: 'proto' | 'host'): string | undefined {
  const element = header?.split(',', 1)[0];
  for (const pair of element?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim().toLowerCase() === name) return pair.slice(at + 1).trim().replace(/^"(.*)"$/, '$1') || undefined;
  }
  return undefined;
}

/**
 * The scheme, host and path the client sent the request to (the proof's `htu`): the connection's
 * scheme and the `Host` header, or what the configured proxy headers say. `undefined` when the
 * framework request offers no URL (then no proof can be checked).
 */
export function dpopRequestUrl(raw: unknown, request: RequestCredentials, forwarded: DpopForwardedHeaders | undefined): DpopRequestUrl | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const http = raw as HttpRequestLike;
  const path = typeof http.originalUrl === 'string' ? http.originalUrl : http.url;
  if (typeof path !== 'string') return undefined;
  const encrypted = Boolean(http.socket?.encrypted ?? http.raw?.socket?.encrypted);
  let scheme = encrypted ? 'https' : 'http';
  let host = request.header('host') ?? request.header(':authority');
  if (forwarded === 'x-forwarded') {
    scheme = firstValue(request.header('x-forwarded-proto')) ?? scheme;
    host = firstValue(request.header('x-forwarded-host')) ?? host;
  } else if (forwarded === 'forwarded') {
    const header = request.header('forwarded');
    scheme = forwardedPair(header, 'proto') ?? scheme;
    host = forwardedPair(header, 'host') ?? host;
  }
  if (host === undefined) return undefined;
  return { scheme: scheme.toLowerCase(), host, path };
}
