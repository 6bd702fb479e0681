import { asAuthorization } from '../extraction/bearer-token.extractor.js';
import type { RequestCredentials } from '../extraction/token-extractor.interface.js';
import type { TenantHints } from '../tenants/tenant-resolver.js';
import { firstHeaderValue } from './header-value.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** A socket.io `Socket`'s handshake: the upgrade request's headers, the client's `auth` payload, the query. */
interface SocketIoClientLike {
  handshake?: { headers?: Headers; auth?: Readonly<Record<string, unknown>>; query?: Readonly<Record<string, unknown>> };
}

/** The HTTP upgrade request a `ws` connection starts with (Nest passes it to `handleConnection`). */
interface UpgradeRequestLike {
  headers?: Headers;
  url?: string;
}

/**
 * `ws` clients do not keep their upgrade request: `SocketSessions.admit` records it here at
 * connection, for the guard to read on each message.
 */
const upgradeRequests = new WeakMap<object, UpgradeRequestLike>();

export function rememberUpgradeRequest(client: object, request: unknown): void {
  if (typeof request === 'object' && request !== null && typeof (request as UpgradeRequestLike).headers === 'object') {
    upgradeRequests.set(client, request as UpgradeRequestLike);
  }
}

function ownString(record: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  if (typeof record !== 'object' || record === null || !Object.hasOwn(record, name)) return undefined;
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The credentials a WebSocket connection was opened with, for socket.io and `ws` clients alike.
 * The token is looked for where the module's extractors look (Bearer, then the `DS` cookie), with
 * socket.io's `auth.token` standing in for the `Authorization` header when there is none:
 * `io(url, { auth: { token } })` from a browser, which cannot set headers on a WebSocket.
 */
export class SocketHandshake implements RequestCredentials, TenantHints {
  private readonly headers: Headers;
  private readonly auth: Readonly<Record<string, unknown>> | undefined;
  private readonly query: Readonly<Record<string, unknown>> | undefined;

  constructor(readonly raw: object) {
    const socketIo = (raw as SocketIoClientLike).handshake;
    const upgrade = upgradeRequests.get(raw);
    this.headers = socketIo?.headers ?? upgrade?.headers ?? {};
    this.auth = socketIo?.auth;
    this.query = socketIo?.query ?? queryOf(upgrade?.url);
  }

  header(name: string): string | undefined {
    const value = firstHeaderValue(this.headers[name]);
    if (value !== undefined || name !== 'authorization') return value;
    const token = ownString(this.auth, 'token');
    if (token === undefined) return undefined;
    return asAuthorization(token);
  }

  get cookieHeader(): string | undefined {
    return firstHeaderValue(this.headers.cookie);
  }

  /** The tenant the connection names: socket.io `auth.tenantId`, else the handshake query (`?tenantId=`). */
  param(name: string): string | undefined {
    return ownString(this.auth, name) ?? ownString(this.query, name);
  }
}

function queryOf(url: string | undefined): Record<string, unknown> | undefined {
  if (url === undefined) return undefined;
  const question = url.indexOf('?');
  if (question === -1) return undefined;
  return Object.fromEntries(new URLSearchParams(url.slice(question + 1)));
}
