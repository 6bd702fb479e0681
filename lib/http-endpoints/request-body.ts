/** An Express request or a Fastify one: what the module's own endpoints read of it. */
export interface EndpointRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: unknown;
  /** Express: the request is the stream. Fastify's stream (`raw`) is already read into `body`. */
  on?(event: string, listener: (...args: any[]) => void): unknown;
  readonly readableEnded?: boolean;
  readonly raw?: unknown;
}

/** Thrown for a body the endpoint cannot read; the message is safe to send back. */
export class UnreadableBody extends Error {}

/** The media type, lowercased, without parameters (`charset`). */
export function mediaType(request: EndpointRequest): string {
  const value = request.headers['content-type'];
  return (typeof value === 'string' ? value : '').split(';')[0]!.trim().toLowerCase();
}

export function header(request: EndpointRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function readStream(request: EndpointRequest, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on!('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) failed = true;
      else chunks.push(chunk);
    });
    request.on!('end', () => (failed ? reject(new UnreadableBody(`The body is larger than ${limit} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    request.on!('error', () => reject(new UnreadableBody('The body could not be read')));
  });
}

/** The body as text: parsed already (Fastify, or an app's text parser) or read from the stream (Express). */
export async function readText(request: EndpointRequest, limit: number): Promise<string> {
  const { body } = request;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (request.raw === undefined && typeof request.on === 'function' && request.readableEnded === false) return readStream(request, limit);
  throw new UnreadableBody('The body could not be read');
}

/**
 * One field of an `application/x-www-form-urlencoded` body, whichever parser read it. `undefined`
 * when absent; sent twice is an error (RFC 6749 section 3.1: parameters must not repeat).
 */
export async function formField(request: EndpointRequest, name: string, limit: number): Promise<string | undefined> {
  const { body } = request;
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
    if (Array.isArray(value)) throw new UnreadableBody(`${name} was sent more than once`);
    return typeof value === 'string' ? value : undefined;
  }
  const values = new URLSearchParams(await readText(request, limit)).getAll(name);
  if (values.length > 1) throw new UnreadableBody(`${name} was sent more than once`);
  return values[0];
}
