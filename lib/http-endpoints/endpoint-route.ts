import { Post, Get, type Type } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

/**
 * Gives a controller method its route once the options are known (they may come from
 * `forRootAsync`'s factory): a method without route metadata is no route at all, so an endpoint
 * whose option is unset does not exist. Each module definition has its own controller class.
 */
export function enableRoute(controller: Type, method: string, verb: 'GET' | 'POST', path: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, method)!;
  (verb === 'GET' ? Get(path) : Post(path))(controller.prototype, method, descriptor);
}

/** Writes an answer through Nest's HTTP adapter, the same on Express and Fastify. */
export function sendAnswer(host: HttpAdapterHost, response: unknown, status: number, body: object | undefined, headers: Record<string, string>): void {
  const adapter = host.httpAdapter;
  for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
  adapter.reply(response, body, status);
}

/** Fastify refuses a media type it has no parser for (415) before any route runs: the endpoint's own is added as text. */
export function acceptTextBodies(host: HttpAdapterHost, mediaType: string, bodyLimit: number): void {
  const adapter = host.httpAdapter;
  if (adapter?.getType() !== 'fastify') return;
  const fastify = adapter.getInstance() as {
    hasContentTypeParser(type: string): boolean;
    addContentTypeParser(type: string, options: object, parser: (request: unknown, body: string, done: (error: null, body: string) => void) => void): void;
  };
  if (!fastify.hasContentTypeParser(mediaType)) {
    fastify.addContentTypeParser(mediaType, { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  }
}
