import type { ExecutionContext } from '@nestjs/common';
import type { GuardedRequest } from './guarded-request.js';

/** What Express and Fastify requests both offer. */
interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
  method?: string;
  url?: string;
}

/** Express (`setHeader`) and Fastify (`header`) responses. */
interface HttpResponseLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An HTTP request on Express or Fastify, read lazily (nothing is parsed that the guard does not ask for). */
export function httpRequest(context: ExecutionContext): GuardedRequest {
  const http = context.switchToHttp();
  const request = http.getRequest<HttpRequestLike>();
  return {
    raw: request,
    header: (name) => single(request.headers[name]),
    get cookieHeader() {
      return single(request.headers.cookie);
    },
    param: (name) => {
      const value = request.params?.[name];
      return typeof value === 'string' ? value : undefined;
    },
    setResponseHeader: (name, value) => {
      const response = http.getResponse<HttpResponseLike>();
      if (typeof response.header === 'function') response.header(name, value);
      else response.setHeader?.(name, value);
    },
    describe: () => `${request.method ?? ''} ${request.url ?? ''}`.trim(),
  };
}
