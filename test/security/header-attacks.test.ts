import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { CompactEncrypt, exportPKCS8, importJWK, SignJWT } from 'jose';
import { ISSUER, makeKey, standardClaims, type TestKey } from '../support/keys.js';
import { LoopbackServer } from '../support/loopback-server.js';
import { forge, segment, signInput } from './support/forge.js';
import { AUDIENCE, expectInvalid, expectInvalidAmong, startTarget, type Target } from './support/target-app.js';

/** A self-signed certificate for `key` (openssl), as an attacker would put in `x5c`. */
async function selfSignedCertificate(key: TestKey): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'x5c-'));
  try {
    writeFileSync(join(dir, 'key.pem'), await exportPKCS8(key.privateKey));
    execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'key.pem'), '-subj', '/CN=attacker', '-days', '1', '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return new X509Certificate(readFileSync(join(dir, 'cert.pem'))).raw.toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Header parameters that name keys, URLs and extensions: none may make the guard trust or fetch anything. */
describe('hostile JOSE headers', () => {
  let legit: TestKey;
  let attacker: TestKey;
  let jwksApp: Target;
  let remoteApp: Target;
  let pemApp: Target;
  let provider: LoopbackServer;
  let lure: LoopbackServer;
  const claims = () => standardClaims({ aud: AUDIENCE, roles: ['admin'] });
  const apps = () => [jwksApp, remoteApp, pemApp];

  beforeAll(async () => {
    [legit, attacker] = await Promise.all([makeKey('ES256', 'legit'), makeKey('ES256', 'attacker')]);
    provider = await new LoopbackServer().json('/jwks.json', () => ({ keys: [legit.publicJwk] })).start();
    lure = await new LoopbackServer().json('/jwks.json', () => ({ keys: [attacker.publicJwk, { ...attacker.publicJwk, kid: legit.kid }] })).start();
    jwksApp = await startTarget({ jwks: { keys: [legit.publicJwk] } });
    remoteApp = await startTarget({ jwksUri: `${provider.origin}/jwks.json` });
    pemApp = await startTarget({ publicKey: legit.publicPem });
  });
  afterAll(async () => {
    await Promise.all([jwksApp.close(), remoteApp.close(), pemApp.close()]);
    await Promise.all([provider.stop(), lure.stop()]);
  });

  it('accepts the legitimate token in every app', async () => {
    const token = await forge({ alg: 'ES256', kid: legit.kid }, claims(), legit);
    for (const app of apps()) expect((await app.get('/admin', { token })).status).toBe(200);
  });

  describe('kid', () => {
    const kids: [string, unknown][] = [
      ['a relative path', '../../../../../../etc/passwd'],
      ['an absolute path', '/dev/zero'],
      ['a file URL', 'file:///etc/passwd'],
      ['an http URL', 'http://127.0.0.1:1/keys'],
      ['SQL', "' OR '1'='1' --"],
      ['very long (5,000 characters)', 'k'.repeat(5000)],
      ['empty', ''],
      ['a prototype name', '__proto__'],
      ['"constructor"', 'constructor'],
      ['a number', 1],
      ['an object', { kid: 'legit' }],
      ['an array', ['legit']],
      ['null', null],
      ['true', true],
    ];

    it.each(kids)('as %s, signed by an attacker: key_not_found from key sets, signature_invalid from a PEM', async (_name, kid) => {
      const token = await forge({ alg: 'ES256', kid }, claims(), attacker);
      for (const app of [jwksApp, remoteApp]) expectInvalid(await app.get('/admin', { token }), 'key_not_found', token);
      expectInvalid(await pemApp.get('/admin', { token }), 'signature_invalid', token);
    });

    it.each(kids)('as %s, signed by the real key: matches no key of a set (exact string match only); a PEM ignores kid', async (_name, kid) => {
      const token = await forge({ alg: 'ES256', kid }, claims(), legit);
      for (const app of [jwksApp, remoteApp]) expectInvalid(await app.get('/admin', { token }), 'key_not_found', token);
      expect((await pemApp.get('/admin', { token })).status).toBe(200);
    });

    it('never reaches anything but the configured JWKS URL, and refetches an unknown kid at most once per cooldown', async () => {
      const before = provider.hits();
      for (const [, kid] of kids) await remoteApp.get('/admin', { token: await forge({ alg: 'ES256', kid }, claims(), attacker) });
      expect(provider.requests.every((path) => path === '/jwks.json')).toBe(true);
      expect(provider.hits() - before).toBeLessThanOrEqual(1);
      expect(lure.hits()).toBe(0);
    });
  });

  describe('key-carrying headers are never followed and never trusted', () => {
    it('jku and x5u pointing at an attacker key set: refused, and never fetched', async () => {
      const url = `${lure.origin}/jwks.json`;
      for (const name of ['jku', 'x5u']) {
        for (const kid of [attacker.kid, legit.kid, undefined]) {
          const token = await forge({ alg: 'ES256', ...(kid && { kid }), [name]: url }, claims(), attacker);
          for (const app of apps()) expectInvalidAmong(await app.get('/admin', { token }), ['key_not_found', 'signature_invalid'], token);
        }
      }
      expect(lure.hits()).toBe(0);
    });

    it('jwk carrying the attacker key: refused, under its own kid, the real kid or none', async () => {
      for (const kid of [attacker.kid, legit.kid, undefined]) {
        const token = await forge({ alg: 'ES256', ...(kid && { kid }), jwk: { ...attacker.publicJwk, kid: kid ?? attacker.kid } }, claims(), attacker);
        for (const app of apps()) expectInvalidAmong(await app.get('/admin', { token }), ['key_not_found', 'signature_invalid'], token);
      }
    });

    it('x5c with a self-signed certificate of the attacker key: refused', async () => {
      const certificate = await selfSignedCertificate(attacker);
      for (const kid of [attacker.kid, legit.kid, undefined]) {
        const token = await forge({ alg: 'ES256', ...(kid && { kid }), x5c: [certificate] }, claims(), attacker);
        for (const app of apps()) expectInvalidAmong(await app.get('/admin', { token }), ['key_not_found', 'signature_invalid'], token);
      }
    });
  });

  describe('crit and b64', () => {
    it.each([
      ['an unknown extension', { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }],
      ['an empty list', { crit: [] }],
      ['a registered name (alg)', { crit: ['alg'] }],
      ['a string instead of a list', { crit: 'exp', exp: 1 }],
      ['a name missing from the header', { crit: ['urn:example:absent'] }],
      ['a non-string member', { crit: [1] }],
    ])('crit with %s is token_malformed, even signed by the real key', async (_name, extra) => {
      const token = await forge({ alg: 'ES256', kid: legit.kid, ...extra }, claims(), legit);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token }), 'token_malformed', token);
    });

    it('b64: false (RFC 7797, unencoded payload) is token_malformed, even correctly signed by the real key', async () => {
      const header = segment({ alg: 'ES256', kid: legit.kid, b64: false, crit: ['b64'] });
      // The payload is signed as it stands in the token (here text that happens to be base64url).
      const payloadText = segment(claims());
      const signed = `${header}.${payloadText}.${await signInput(`${header}.${payloadText}`, legit)}`;
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: signed }), 'token_malformed', signed);
      // The usual unencoded form, JSON in the middle, does not even pass the shape check.
      const json = JSON.stringify(claims());
      const raw = `${header}.${json}.${await signInput(`${header}.${json}`, legit)}`;
      for (const app of apps()) expectInvalid(await app.get('/admin', { headers: { authorization: `Bearer ${raw}` } }), 'token_malformed');
    });

    it('b64: false without crit is ignored (RFC 7797 requires crit): only the normal encoding verifies', async () => {
      const header = segment({ alg: 'ES256', kid: legit.kid, b64: false });
      const unencoded = `${header}.${segment(claims())}.${await signInput(`${header}.${JSON.stringify(claims())}`, legit)}`;
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: unencoded }), 'signature_invalid', unencoded);
    });
  });

  describe('other serializations', () => {
    it('a real JWE (five parts) encrypted to the public key is token_malformed', async () => {
      const { kid: _kid, alg: _alg, use: _use, ...ecPublic } = legit.publicJwk;
      const encryptionKey = await importJWK({ ...ecPublic }, 'ECDH-ES');
      const jwe = await new CompactEncrypt(Buffer.from(JSON.stringify(claims())))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: legit.kid, cty: 'JWT' })
        .encrypt(encryptionKey);
      expect(jwe.split('.')).toHaveLength(5);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: jwe }), 'token_malformed', jwe);
    });

    it('a JWE-shaped token with dir and empty parts is token_malformed', async () => {
      const token = `${segment({ alg: 'dir', enc: 'A128GCM' })}..${segment('iv')}.${segment('ciphertext')}.${segment('tag')}`;
      for (const app of apps()) expectInvalid(await app.get('/admin', { token }), 'token_malformed', token);
    });

    it('a nested JWT (cty: JWT) is never unwrapped: the outer payload must be the claims', async () => {
      const inner = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: legit.kid }).sign(legit.privateKey);
      const outer = await forge({ alg: 'ES256', kid: legit.kid, cty: 'JWT' }, inner, legit);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: outer }), 'token_malformed', outer);
      const attackerInside = await forge({ alg: 'ES256', kid: legit.kid, cty: 'JWT' }, await forge({ alg: 'ES256', kid: attacker.kid }, claims(), attacker), legit);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: attackerInside }), 'token_malformed', attackerInside);
      const attackerOutside = await forge({ alg: 'ES256', kid: legit.kid, cty: 'JWT' }, inner, attacker);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: attackerOutside }), 'signature_invalid', attackerOutside);
    });

    it('the JSON serialization of a valid JWS is token_malformed', async () => {
      const [protectedHeader, payload, signature] = (await forge({ alg: 'ES256', kid: legit.kid }, claims(), legit)).split('.');
      const json = JSON.stringify({ payload, signatures: [{ protected: protectedHeader, signature }] });
      for (const app of apps()) expectInvalid(await app.get('/admin', { headers: { authorization: `Bearer ${json.replace(/\s/g, '')}` } }), 'token_malformed');
    });
  });

  describe('duplicate member names: the lexically last wins, for the check and the use alike (RFC 7515 section 5.2)', () => {
    const headerText = (members: string) => `{${members}}`;

    it('alg: the last value is both the one allowed and the one verified', async () => {
      const lastIsEs = await forge(headerText(`"alg":"none","kid":"${legit.kid}","alg":"ES256"`), claims(), legit);
      for (const app of apps()) expect((await app.get('/admin', { token: lastIsEs })).status).toBe(200);
      const lastIsNone = await forge(headerText(`"alg":"ES256","kid":"${legit.kid}","alg":"none"`), claims(), legit);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: lastIsNone }), 'algorithm_not_allowed', lastIsNone);
      const lastIsHs = await forge(headerText(`"alg":"ES256","kid":"${legit.kid}","alg":"HS256"`), claims(), legit);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: lastIsHs }), 'algorithm_not_allowed', lastIsHs);
    });

    it('kid: the last value selects the key', async () => {
      const attackerLast = await forge(headerText(`"alg":"ES256","kid":"${legit.kid}","kid":"${attacker.kid}"`), claims(), attacker);
      for (const app of [jwksApp, remoteApp]) expectInvalid(await app.get('/admin', { token: attackerLast }), 'key_not_found', attackerLast);
      const legitLast = await forge(headerText(`"alg":"ES256","kid":"${attacker.kid}","kid":"${legit.kid}"`), claims(), attacker);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token: legitLast }), 'signature_invalid', legitLast);
    });

    it('claims: the last iss, sub and roles are the ones checked and the ones the session carries', async () => {
      const now = Math.floor(Date.now() / 1000);
      const base = `"aud":"${AUDIENCE}","iat":${now},"exp":${now + 300}`;
      const header = { alg: 'ES256', kid: legit.kid };
      const accepted = await forge(header, `{${base},"iss":"https://evil.example","iss":"${ISSUER}","sub":"admin","sub":"U1","roles":["admin"],"roles":["user"]}`, legit);
      const me = await jwksApp.get('/me', { token: accepted });
      expect({ status: me.status, issuer: me.body.issuer, userId: me.body.userId, roles: me.body.roles }).toEqual({ status: 200, issuer: ISSUER, userId: 'U1', roles: ['user'] });
      expect((await jwksApp.get('/admin', { token: accepted })).status).toBe(403);
      const refused = await forge(header, `{${base},"sub":"U1","iss":"${ISSUER}","iss":"https://evil.example"}`, legit);
      expectInvalid(await jwksApp.get('/me', { token: refused }), 'issuer_mismatch', refused);
    });
  });
});
