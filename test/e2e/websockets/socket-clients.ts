import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';

export type SocketAdapterName = 'socket.io' | 'ws';

/** What a client presents when it opens the connection. */
export interface Handshake {
  authorization?: string;
  cookie?: string;
  /** socket.io only: `io(url, { auth: { token } })`. */
  authToken?: string;
}

export interface Incoming {
  event: string;
  data: any;
}

/** One test connection, over either adapter: messages in order, a bounded wait for the next one. */
export interface TestSocket {
  /** Sends `{ event, data }` and waits for the reply `event` or an `exception`. */
  request(event: string, data?: unknown): Promise<Incoming>;
  /** The next message of one of these events (already received or to come). */
  next(...events: string[]): Promise<Incoming>;
  /** Resolves when the server closed the connection (`ws`: with its close code and reason). */
  readonly closed: Promise<{ code?: number; reason?: string }>;
  close(): void;
}

class Inbox {
  private readonly messages: Incoming[] = [];
  private waiters: Array<{ events: string[]; resolve: (message: Incoming) => void }> = [];

  push(message: Incoming): void {
    const waiter = this.waiters.find((candidate) => candidate.events.includes(message.event));
    if (waiter) {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(message);
    } else {
      this.messages.push(message);
    }
  }

  next(events: string[], timeoutMs = 5000): Promise<Incoming> {
    const index = this.messages.findIndex((message) => events.includes(message.event));
    if (index !== -1) return Promise.resolve(this.messages.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${events.join('/')} message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ events, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }
}

async function connectSocketIo(origin: string, handshake: Handshake): Promise<TestSocket> {
  const inbox = new Inbox();
  const extraHeaders: Record<string, string> = {};
  if (handshake.authorization !== undefined) extraHeaders.authorization = handshake.authorization;
  if (handshake.cookie !== undefined) extraHeaders.cookie = handshake.cookie;
  const socket: Socket = io(origin, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders,
    ...(handshake.authToken !== undefined && { auth: { token: handshake.authToken } }),
  });
  socket.onAny((event: string, data: unknown) => inbox.push({ event, data }));
  const closed = new Promise<{ reason?: string }>((resolve) => socket.on('disconnect', (reason) => resolve({ reason })));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    request: (event, data) => {
      socket.emit(event, data);
      return inbox.next([event, 'exception']);
    },
    next: (...events) => inbox.next(events),
    closed,
    close: () => socket.close(),
  };
}

async function connectWs(origin: string, handshake: Handshake): Promise<TestSocket> {
  const inbox = new Inbox();
  const headers: Record<string, string> = {};
  if (handshake.authorization !== undefined) headers.authorization = handshake.authorization;
  if (handshake.cookie !== undefined) headers.cookie = handshake.cookie;
  const socket = new WebSocket(origin.replace(/^http/, 'ws'), { headers });
  socket.on('message', (raw) => inbox.push(JSON.parse(String(raw)) as Incoming));
  const closed = new Promise<{ code?: number; reason?: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    request: (event, data) => {
      socket.send(JSON.stringify({ event, data }));
      return inbox.next([event, 'exception']);
    },
    next: (...events) => inbox.next(events),
    closed,
    close: () => socket.close(),
  };
}

export function connect(adapter: SocketAdapterName, origin: string, handshake: Handshake): Promise<TestSocket> {
  return adapter === 'socket.io' ? connectSocketIo(origin, handshake) : connectWs(origin, handshake);
}
