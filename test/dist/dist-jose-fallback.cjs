// Run with `node --no-experimental-require-module`: like Jest's CommonJS runtime, Node then cannot
// require() the ES module jose. The package's CommonJS build must fall back to the copy of jose it
// bundles: the testing kit mints a token, and jose (as the package loaded it) verifies it.
// Prints one JSON line; exits 0 only if every check passed.
'use strict';
const checks = [];
const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), ...(ok ? {} : { detail }) });

async function main() {
  let esmRefused = false;
  try {
    require('jose');
  } catch (error) {
    esmRefused = error.code === 'ERR_REQUIRE_ESM';
  }
  check('this runtime cannot require() jose', esmRefused);
  const { TestIssuer } = require('nestjs-jwt-session/testing');
  const jose = require(require.resolve('nestjs-jwt-session').replace(/index\.cjs$/, 'jose.cjs'));
  check('the bundled copy serves', Object.keys(require.cache).some((file) => file.endsWith('/dist/jose.bundled.cjs')));
  const issuer = await TestIssuer.create();
  const token = await issuer.mint({ roles: ['admin'] });
  const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(issuer.jwks), { issuer: issuer.issuer });
  check('a minted token verifies', payload.sub === 'user-1' && payload.roles[0] === 'admin', payload);
}

main()
  .catch((error) => check('no exception', false, String(error?.stack ?? error)))
  .finally(() => {
    const ok = checks.length > 0 && checks.every((c) => c.ok);
    console.log(JSON.stringify({ ok, checks }));
    process.exit(ok ? 0 : 1);
  });
