import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A small HTTP server on 127.0.0.1 with JSON routes set by the test (a discovery document, an
 * attacker's key set ...), recording every request it gets, matched or not.
 */
export class LoopbackServer {
  readonly requests: string[] = [];
  private readonly routes = new Map<string, RouteHandler>();
  private server?: Server;

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Answers GET `path` with `body` as JSON (a function is read on each request). */
  json(path: string, body: unknown | (() => unknown), status = 200): this {
    this.routes.set(path, (_req, res) => {
      const value = typeof body === 'function' ? (body as () => unknown)() : body;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    });
    return this;
  }

  route(path: string, handler: RouteHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  hits(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((url) => url === path).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://loopback').pathname;
      this.requests.push(path);
      const handler = this.routes.get(path);
      if (handler) return handler(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
