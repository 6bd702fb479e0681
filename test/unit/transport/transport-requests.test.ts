import type { ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import { SessionError } from '../../../lib/index.js';
import { guardedRequest, sessionCarriers } from '../../../lib/transport/transport-registry.js';
import { rememberUpgradeRequest, SocketHandshake } from '../../../lib/transport/socket-handshake.js';
import { readTransportOptions } from '../../../lib/transport/transport-options.js';
import { GraphQLRefusal, refusalPayload, rpcRefusal, wsRefusal } from '../../../lib/transport/transport-refusal.js';

class Handlers {
  handle() {}
}

/** An execution context as Nest builds it for one transport: its type and its arguments. */
function contextOf(type: string, args: unknown[]): ExecutionContext {
  return {
    getType: () => type,
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    getClass: () => Handlers,
    getHandler: () => Handlers.prototype.handle,
    switchToHttp: () => ({ getRequest: () => args[0], getResponse: () => args[1], getNext: () => args[2] }),
  } as unknown as ExecutionContext;
}

const config = readTransportOptions({});

describe('microservice messages', () => {
  const request = (message: unknown, tokenField?: string) =>
    guardedRequest(contextOf('rpc', [message, { getPattern: () => 'orders.list' }]), tokenField ? readTransportOptions({ rpcTokenField: tokenField }) : config);

  it('present the token field as a Bearer Authorization header, bare or already prefixed', () => {
    expect(request({ token: 'abc' }).header('authorization')).toBe('Bearer abc');
    expect(request({ token: 'bearer abc' }).header('authorization')).toBe('bearer abc');
    expect(request({ token: 'abc' }).header('cookie')).toBeUndefined();
    expect(request({ token: 'abc' }).cookieHeader).toBeUndefined();
  });

  it('read a dotted path through own properties only', () => {
    expect(request({ meta: { auth: 'xyz' } }, 'meta.auth').header('authorization')).toBe('Bearer xyz');
    expect(request({ meta: 'xyz' }, 'meta.auth').header('authorization')).toBeUndefined();
    expect(request(Object.create({ token: 'inherited' })).header('authorization')).toBeUndefined();
    expect(request({}, 'constructor.name').header('authorization')).toBeUndefined();
    expect(request({}, '__proto__.token').header('authorization')).toBeUndefined();
  });

  it('a message that is not an object, or a token that is not a string, has no token', () => {
    for (const message of ['text', 42, null, undefined, ['token']]) expect(request(message).header('authorization')).toBeUndefined();
    expect(request({ token: 42 }).header('authorization')).toBeUndefined();
    expect(request({ token: { value: 'x' } }).header('authorization')).toBeUndefined();
  });

  it('name the tenant with a message field, and describe themselves by pattern', () => {
    expect(request({ tenantId: 't1' }).param('tenantId')).toBe('t1');
    expect(request({ tenantId: 7 }).param('tenantId')).toBeUndefined();
    expect(request(Object.create({ tenantId: 't1' })).param('tenantId')).toBeUndefined();
    expect(request({}).describe()).toBe('RPC orders.list');
  });
});

describe('WebSocket handshakes', () => {
  const socketIo = (handshake: object) => new SocketHandshake({ handshake });

  it('socket.io: the Authorization header first, then auth.token as a Bearer token', () => {
    expect(socketIo({ headers: { authorization: 'Bearer from-header' }, auth: { token: 'from-auth' } }).header('authorization')).toBe('Bearer from-header');
    expect(socketIo({ headers: {}, auth: { token: 'from-auth' } }).header('authorization')).toBe('Bearer from-auth');
    expect(socketIo({ headers: {}, auth: { token: 'Bearer prefixed' } }).header('authorization')).toBe('Bearer prefixed');
    expect(socketIo({ headers: {}, auth: { token: 12 } }).header('authorization')).toBeUndefined();
    expect(socketIo({ headers: {}, auth: Object.create({ token: 'inherited' }) }).header('authorization')).toBeUndefined();
  });

  it('socket.io: cookies from the handshake headers; the tenant from auth, then the query', () => {
    const handshake = socketIo({ headers: { cookie: 'DS=abc' }, auth: { tenantId: 't-auth' }, query: { tenantId: 't-query' } });
    expect(handshake.cookieHeader).toBe('DS=abc');
    expect(handshake.param('tenantId')).toBe('t-auth');
    expect(socketIo({ headers: {}, query: { tenantId: 't-query' } }).param('tenantId')).toBe('t-query');
  });

  it('ws: the upgrade request remembered at connection gives headers and query', () => {
    const client = { readyState: 1 };
    expect(new SocketHandshake(client).header('authorization')).toBeUndefined();
    rememberUpgradeRequest(client, { headers: { authorization: 'Bearer up', cookie: 'DS=c' }, url: '/?tenantId=t9&x=1' });
    const handshake = new SocketHandshake(client);
    expect(handshake.header('authorization')).toBe('Bearer up');
    expect(handshake.cookieHeader).toBe('DS=c');
    expect(handshake.param('tenantId')).toBe('t9');
    rememberUpgradeRequest({}, 'not a request');
  });

  it('a gateway message names the tenant in its data, else the handshake does', () => {
    const client = { handshake: { headers: {}, auth: { tenantId: 't-auth' } } };
    expect(guardedRequest(contextOf('ws', [client, { tenantId: 't-msg' }]), config).param('tenantId')).toBe('t-msg');
    expect(guardedRequest(contextOf('ws', [client, 'text']), config).param('tenantId')).toBe('t-auth');
    expect(guardedRequest(contextOf('ws', [client, {}]), config).describe()).toBe('WS Handlers.handle');
  });
});

describe('GraphQL resolver calls', () => {
  const info = { fieldName: 'projects', parentType: { name: 'Query' } };
  const req = { headers: { authorization: 'Bearer g', cookie: 'DS=c' }, method: 'POST' };

  it('read the HTTP request in the context and the resolver arguments (own properties only)', () => {
    const request = guardedRequest(contextOf('graphql', [undefined, { tenantId: 't1' }, { req }, info]), config);
    expect(request.header('authorization')).toBe('Bearer g');
    expect(request.cookieHeader).toBe('DS=c');
    expect(request.param('tenantId')).toBe('t1');
    expect(request.method).toBe('POST');
    expect(request.raw).toBe(req);
    expect(request.describe()).toBe('GraphQL Query.projects');
    expect(guardedRequest(contextOf('graphql', [undefined, Object.create({ tenantId: 't1' }), { req }, info]), config).param('tenantId')).toBeUndefined();
  });

  it('set cookies (automatic refresh) only when the context carries the response', () => {
    expect(guardedRequest(contextOf('graphql', [undefined, {}, { req }, info]), config).appendSetCookie).toBeUndefined();
    const headers: string[] = [];
    const res = { append: (_name: string, values: string[]) => headers.push(...values) };
    guardedRequest(contextOf('graphql', [undefined, {}, { req, res }, info]), config).appendSetCookie!(['DS=x']);
    expect(headers).toEqual(['DS=x']);
  });

  it('without a context or request, find no credentials (no crash)', () => {
    const request = guardedRequest(contextOf('graphql', [undefined, undefined, undefined, undefined]), config);
    expect(request.header('authorization')).toBeUndefined();
    expect(request.param('tenantId')).toBeUndefined();
    expect(request.describe()).toBe('GraphQL ?.?');
  });
});

describe('where sessions are kept (sessionCarriers)', () => {
  const client = {};
  const data = { tenantId: 't1' };
  const info = {};
  const req = {};

  it('per resolver call first (info), then the request', () => {
    expect(sessionCarriers(contextOf('graphql', [undefined, {}, { req }, info]))).toEqual([info, req]);
    const graphqlContext = {};
    expect(sessionCarriers(contextOf('graphql', [undefined, {}, graphqlContext, info]))[1]).toBe(graphqlContext);
  });

  it('per message first, then the client or the message; primitives skipped', () => {
    expect(sessionCarriers(contextOf('ws', [client, data]))).toEqual([data, client]);
    expect(sessionCarriers(contextOf('ws', [client, 'text']))).toEqual([client]);
    const rpcContext = {};
    expect(sessionCarriers(contextOf('rpc', [data, rpcContext]))).toEqual([rpcContext, data]);
    expect(sessionCarriers(contextOf('rpc', ['text', undefined]))).toEqual([]);
    expect(sessionCarriers(contextOf('http', [req]))).toEqual([req]);
  });
});

describe('refusals by transport', () => {
  const error = new SessionError('claims_failed', { failedValidators: ['mfa'] });

  it('WebSocket: the real WsException, carrying the payload', async () => {
    const refusal = await wsRefusal(error);
    expect(refusal).toBeInstanceOf(WsException);
    expect((refusal as WsException).getError()).toEqual({ status: 'error', statusCode: 403, message: error.message, reason: 'claims_failed', failedValidators: ['mfa'] });
  });

  it('microservice: the real RpcException, carrying the payload', async () => {
    const refusal = await rpcRefusal(new SessionError('token_expired'));
    expect(refusal).toBeInstanceOf(RpcException);
    expect((refusal as RpcException).getError()).toEqual(refusalPayload(new SessionError('token_expired')));
  });

  it('GraphQL: an HTTP exception with extensions code and reason', () => {
    const refusal = new GraphQLRefusal(error);
    expect(refusal.getStatus()).toBe(403);
    expect(refusal.extensions).toEqual({ code: 'FORBIDDEN', reason: 'claims_failed', failedValidators: ['mfa'] });
    expect(new GraphQLRefusal(new SessionError('token_missing')).extensions.code).toBe('UNAUTHENTICATED');
    expect(new GraphQLRefusal(new SessionError('keys_unavailable')).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'keys_unavailable' });
  });

  it('a step-up refusal carries acr_values and max_age on every transport (RFC 9470)', async () => {
    const stepUp = new SessionError('insufficient_user_authentication', { failedValidators: ['acr(gold)', 'maxAuthAge(60)'], acrValues: ['gold', 'platinum'], maxAge: 60 });
    const carried = { reason: 'insufficient_user_authentication', failedValidators: ['acr(gold)', 'maxAuthAge(60)'], acr_values: 'gold platinum', max_age: 60 };
    expect(new GraphQLRefusal(stepUp).extensions).toEqual({ code: 'UNAUTHENTICATED', ...carried });
    expect(((await wsRefusal(stepUp)) as WsException).getError()).toEqual({ status: 'error', statusCode: 401, message: stepUp.message, ...carried });
    expect(((await rpcRefusal(stepUp)) as RpcException).getError()).toEqual({ status: 'error', statusCode: 401, message: stepUp.message, ...carried });
  });
});
