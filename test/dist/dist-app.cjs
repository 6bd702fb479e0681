// A plain Node CommonJS program: require()s the built package by name ("exports" -> "require" ->
// dist/index.cjs) and its testing kit, guards a Nest app and checks the answers. Prints one JSON
// line; exits 0 only if every check passed. Nest 12 and jose are ES modules: Node >= 20.19
// require()s them (see dist-jose-fallback.cjs for a runtime that cannot).
'use strict';
require('reflect-metadata');
const common = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');
const session = require('nestjs-jwt-session');
const { TestIssuer } = require('nestjs-jwt-session/testing');
const { distController, httpGetter } = require('./dist-controller.cjs');

async function main() {
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), ...(ok ? {} : { detail }) });

  check('resolved from dist/index.cjs', require.resolve('nestjs-jwt-session').endsWith('/dist/index.cjs'), require.resolve('nestjs-jwt-session'));
  check('testing kit resolved from dist/testing/index.cjs', require.resolve('nestjs-jwt-session/testing').endsWith('/dist/testing/index.cjs'));
  const issuer = await TestIssuer.create();

  const DistController = distController(common, session);
  class AppModule {}
  common.Module({ imports: [session.SessionModule.forRoot(issuer.moduleOptions())], controllers: [DistController] })(AppModule);

  const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false, abortOnError: false });
  try {
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const get = httpGetter(url);
    check('public route 200', (await get('/open')).status === 200);
    const missing = await get('/me');
    check('no token 401 token_missing', missing.status === 401 && missing.body.reason === 'token_missing', missing);
    const token = await issuer.mint({ roles: ['user'] });
    const me = await get('/me', token);
    check('minted token 200', me.status === 200 && me.body.userId === 'user-1', me);
    const admin = await get('/admin', token);
    check('missing role 403', admin.status === 403 && admin.body.reason === 'missing_roles', admin);
    const expired = await get('/me', await issuer.mint({}, { expiresIn: -60 }));
    check('expired token 401 token_expired', expired.status === 401 && expired.body.reason === 'token_expired', expired);
    const sessions = app.get(session.SessionService);
    check('SessionService injectable', sessions.validateRoles(await sessions.validateSession(token), ['user']) === true);
  } catch (error) {
    check('no exception', false, String(error?.stack ?? error));
  } finally {
    await app.close();
  }
  const bundled = Object.keys(require.cache).some((file) => file.endsWith('/dist/jose.bundled.cjs'));
  const ok = checks.length > 0 && checks.every((c) => c.ok);
  console.log(JSON.stringify({ ok, jose: bundled ? 'bundled' : 'installed', checks }));
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, checks: [{ name: 'started', ok: false, detail: String(error?.stack ?? error) }] }));
  process.exit(1);
});
