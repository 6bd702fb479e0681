import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevAnswer, DevOpenIdProvider } from './dev-openid-provider.js';

/** The public OAuth client the sample's SessionModule refreshes and revokes as. */
export const DEV_CLIENT_ID = 'sample-web';

const MAX_BODY_BYTES = 16 * 1024;

export interface DevOAuthHandlers {
  /** The refresh grant: the token response, or an OAuth error code. */
  refresh(refreshToken: string): Promise<Record<string, unknown> | { error: string }>;
  revoke(token: string): void;
  /** The public keys, for `jwks_uri`. */
  jwks(): unknown;
  /** The OpenID Provider routes (discovery, authorize, the code grant, end session). */
  openId(origin: () => string): DevOpenIdProvider;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString())));
    req.on('error', () => resolve(undefined));
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function send(res: ServerResponse, answer: DevAnswer): void {
  if (answer.html !== undefined) {
    res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...answer.headers }).end(answer.html);
  } else if (answer.body !== undefined) {
    res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...answer.headers }).end(JSON.stringify(answer.body));
  } else {
    res.writeHead(answer.status, answer.headers).end();
  }
}

/**
 * DEV ONLY. The dev issuer's token endpoint (refresh and authorization_code grants), revocation
 * endpoint (RFC 7009) and OpenID Provider routes (discovery, authorize, end session, keys) on their
 * own loopback port, like a real identity provider beside the app: the SessionModule is configured
 * with these URLs before the app itself listens.
 */
export class DevOAuthServer {
  private openId!: DevOpenIdProvider;

  private constructor(private readonly server: Server) {}

  static async start(handlers: DevOAuthHandlers): Promise<DevOAuthServer> {
    let started: DevOAuthServer | undefined;
    const server = createServer((req, res) => {
      void started!.handle(handlers, req, res).catch(() => json(res, 500, { error: 'server_error' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    started = new DevOAuthServer(server);
    started.openId = handlers.openId(() => started!.origin);
    return started;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get tokenEndpoint(): string {
    return `${this.origin}/oauth/token`;
  }

  get revocationEndpoint(): string {
    return `${this.origin}/oauth/revoke`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(handlers: DevOAuthHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dev');
    const path = url.pathname;
    if (req.method === 'GET') {
      if (path === '/.well-known/openid-configuration') return send(res, this.openId.discovery());
      if (path === '/oauth/jwks') return json(res, 200, handlers.jwks());
      if (path === '/oauth/authorize') return send(res, this.openId.authorize(url.searchParams));
      if (path === '/oauth/logout') return send(res, this.openId.endSession(url.searchParams));
      return json(res, 404, { error: 'not_found' });
    }
    if (req.method === 'POST' && path === '/oauth/authorize') {
      const form = await readForm(req);
      return form ? send(res, this.openId.approve(form)) : json(res, 400, { error: 'invalid_request' });
    }
    if (req.method !== 'POST' || (path !== '/oauth/token' && path !== '/oauth/revoke')) return json(res, 404, { error: 'not_found' });
    const form = await readForm(req);
    if (!form) return json(res, 400, { error: 'invalid_request' });
    if (form.get('client_id') !== DEV_CLIENT_ID) return json(res, 401, { error: 'invalid_client' });
    if (path === '/oauth/revoke') {
      const token = form.get('token');
      if (!token) return json(res, 400, { error: 'invalid_request' });
      handlers.revoke(token);
      return json(res, 200, {});
    }
    if (form.get('grant_type') === 'authorization_code') return send(res, await this.openId.exchange(form));
    if (form.get('grant_type') !== 'refresh_token') return json(res, 400, { error: 'unsupported_grant_type' });
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return json(res, 400, { error: 'invalid_request' });
    const answer = await handlers.refresh(refreshToken);
    return json(res, 'error' in answer ? 400 : 200, answer);
  }
}
