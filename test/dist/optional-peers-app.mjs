// Run from a folder whose node_modules holds only the package's peers (@nestjs/common, core,
// platform-express, reflect-metadata, rxjs) and jose: no GraphQL, WebSocket, microservice or
// Fastify package can be resolved. The built package must load, guard an HTTP app, and refuse
// on the other transports with its fallback errors. Prints one JSON line; exits 0 only if every check passed.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CurrentSession, GraphQLRefusal, Roles, SessionError, SessionGuard, SessionModule, SocketSessions, TransportRefusal } from 'nestjs-jwt-session';

const OPTIONAL = ['@nestjs/websockets', '@nestjs/microservices', '@nestjs/graphql', '@nestjs/apollo', '@nestjs/platform-fastify', '@nestjs/platform-socket.io', '@nestjs/platform-ws'];
const ISSUER = 'optional-peers-issuer';
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
const sign = (claims) =>
  new SignJWT({ sub: 'U-min', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setIssuedAt().setExpirationTime('5m').sign(privateKey);

class MinimalController {
  me(userId) { return { userId }; }
  admin() { return { admin: true }; }
}
Controller()(MinimalController);
const decorate = (name, decorators, parameterDecorators = []) => {
  const descriptor = Object.getOwnPropertyDescriptor(MinimalController.prototype, name);
  parameterDecorators.forEach((decorator, index) => decorator(MinimalController.prototype, name, index));
  for (const decorator of [...decorators].reverse()) decorator(MinimalController.prototype, name, descriptor);
};
decorate('me', [Get('me')], [CurrentSession('userId')]);
decorate('admin', [Roles('admin'), Get('admin')]);

class AppModule {}
Module({ imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [jwk] } })], controllers: [MinimalController] })(AppModule);

/** An execution context of another transport, as Nest would build it for a gateway or microservice message. */
function contextOf(type, args) {
  return {
    getType: () => type,
    getClass: () => MinimalController,
    getHandler: () => MinimalController.prototype.me,
    getArgs: () => args,
    getArgByIndex: (index) => args[index],
    switchToHttp: () => { throw new Error(`not HTTP: ${type}`); },
  };
}

async function refusalOn(guard, type, args) {
  try {
    await guard.canActivate(contextOf(type, args));
    return { refused: false };
  } catch (error) {
    return { refused: true, error };
  }
}

const checks = [];
const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), ...(ok ? {} : { detail }) });

const unresolvable = OPTIONAL.filter((name) => {
  try {
    import.meta.resolve(name);
    return false;
  } catch {
    return true;
  }
});
check('optional packages cannot be resolved', unresolvable.length === OPTIONAL.length, { resolvable: OPTIONAL.filter((name) => !unresolvable.includes(name)) });

const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false, abortOnError: false });
try {
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const get = async (path, token) => {
    const response = await fetch(`${url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: response.status, body: await response.json() };
  };
  const missing = await get('/me');
  check('HTTP: no token 401 token_missing', missing.status === 401 && missing.body.reason === 'token_missing', missing);
  const token = await sign({ roles: ['user'] });
  const me = await get('/me', token);
  check('HTTP: valid token 200', me.status === 200 && me.body.userId === 'U-min', me);
  const admin = await get('/admin', token);
  check('HTTP: missing role 403', admin.status === 403 && admin.body.reason === 'missing_roles', admin);

  check('SocketSessions injectable', app.get(SocketSessions) instanceof SocketSessions);
  const guard = app.get(SessionGuard);
  const ws = await refusalOn(guard, 'ws', [{ handshake: { headers: {} } }, {}, 'whoami']);
  check(
    'ws: refused with the WsException-shaped fallback',
    ws.refused && ws.error instanceof TransportRefusal && ws.error.name === 'WsException' && ws.error.getError().reason === 'token_missing' && ws.error.getError().statusCode === 401,
    String(ws.error?.stack ?? ws.refused),
  );
  const rpc = await refusalOn(guard, 'rpc', [{ token: 'garbage' }, {}]);
  check(
    'rpc: refused with the RpcException-shaped fallback',
    rpc.refused && rpc.error instanceof TransportRefusal && rpc.error.name === 'RpcException' && rpc.error.getError().reason === 'token_malformed',
    String(rpc.error?.stack ?? rpc.refused),
  );
  const graphql = await refusalOn(guard, 'graphql', [{}, {}, { req: { headers: {} } }, { fieldName: 'me', parentType: { name: 'Query' } }]);
  check(
    'graphql: refused with a GraphQL error carrying code and reason',
    graphql.refused && graphql.error instanceof GraphQLRefusal && graphql.error.extensions.code === 'UNAUTHENTICATED' && graphql.error.extensions.reason === 'token_missing',
    String(graphql.error?.stack ?? graphql.refused),
  );
  const accepted = await guard.canActivate(contextOf('rpc', [{ token }, {}]));
  check('rpc: a valid token is accepted', accepted === true);
  check('SessionError exported', new SessionError('token_missing').reason === 'token_missing');
} catch (error) {
  check('no exception', false, String(error?.stack ?? error));
} finally {
  await app.close();
}

const ok = checks.length > 0 && checks.every((c) => c.ok);
console.log(JSON.stringify({ ok, checks }));
process.exit(ok ? 0 : 1);
