// A plain Node ESM program, as an application would write it without TypeScript: it imports the
// built package by name (package.json "exports" -> dist/), applies the decorators as functions,
// serves on loopback and checks the answers. Prints one JSON line; exits 0 only if every check passed.
import 'reflect-metadata';
import * as common from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as session from 'nestjs-jwt-session';
import { distController, httpGetter } from './dist-controller.cjs';

const ISSUER = 'dist-test-issuer';
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'dist-key', alg: 'ES256', use: 'sig' };
const sign = (claims) =>
  new SignJWT({ sub: 'U-dist', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'dist-key' })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

const DistController = distController(common, session);

class AppModule {}
common.Module({
  imports: [session.SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [jwk] } })],
  controllers: [DistController],
})(AppModule);

const checks = [];
const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), ...(ok ? {} : { detail }) });

const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false, abortOnError: false });
try {
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const get = httpGetter(url);

  check('resolved from dist', import.meta.resolve('nestjs-jwt-session').endsWith('/dist/index.js'), import.meta.resolve('nestjs-jwt-session'));
  const open = await get('/open');
  check('public route 200', open.status === 200, open);
  const missing = await get('/me');
  check('no token 401 token_missing', missing.status === 401 && missing.body.reason === 'token_missing' && missing.challenge === 'Bearer', missing);
  const token = await sign({ roles: ['user'] });
  const me = await get('/me', token);
  check('valid token 200', me.status === 200 && me.body.userId === 'U-dist', me);
  const admin = await get('/admin', token);
  check('missing role 403', admin.status === 403 && admin.body.reason === 'missing_roles', admin);
  const sessions = app.get(session.SessionService);
  check('SessionService injectable', sessions.validateRoles(await sessions.validateSession(token), ['user']) === true);
} catch (error) {
  check('no exception', false, String(error?.stack ?? error));
} finally {
  await app.close();
}

const ok = checks.length > 0 && checks.every((c) => c.ok);
console.log(JSON.stringify({ ok, checks }));
process.exit(ok ? 0 : 1);
