import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The public OAuth client the sample's SessionModule refreshes and revokes as. */
export const DEV_CLIENT_ID = 'sample-web';

const MAX_BODY_BYTES = 16 * 1024;

export interface DevOAuthHandlers {
  /** The refresh grant: the token response, or an OAuth error code. */
  refresh(refreshToken: string): Promise<Record<string, unknown> | { error: string }>;
  revoke(token: string): void;
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

/**
 * DEV ONLY. The dev issuer's token endpoint (refresh grant, RFC 6749 section 6) and revocation
 * endpoint (RFC 7009) on their own loopback port, like a real identity provider beside the app:
 * the SessionModule is configured with these URLs before the app itself listens.
 */
export class DevOAuthServer {
  private constructor(private readonly server: Server) {}

  static async start(handlers: DevOAuthHandlers): Promise<DevOAuthServer> {
    const server = createServer((req, res) => {
      void DevOAuthServer.handle(handlers, req, res).catch(() => json(res, 500, { error: 'server_error' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new DevOAuthServer(server);
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

  private static async handle(handlers: DevOAuthHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://dev').pathname;
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
    if (form.get('grant_type') !== 'refresh_token') return json(res, 400, { error: 'unsupported_grant_type' });
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return json(res, 400, { error: 'invalid_request' });
    const answer = await handlers.refresh(refreshToken);
    return json(res, 'error' in answer ? 400 : 200, answer);
  }
}
