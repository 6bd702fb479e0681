import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

export type JwksHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A JWKS endpoint on loopback whose answers a test can change, counting the requests it gets. */
export class JwksServer {
  hits = 0;
  keys: JWK[] = [];
  /** Replaces the normal answer (a failing or hostile endpoint). */
  handler?: JwksHandler;
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits++;
      if (this.handler) return this.handler(req, res);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
