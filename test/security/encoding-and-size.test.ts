import { SessionError, SessionService } from '../../lib/index.js';
import { makeKey, standardClaims, type TestKey } from '../support/keys.js';
import { forge, segment, signInput } from './support/forge.js';
import { AUDIENCE, expectInvalid, startTarget, type Target } from './support/target-app.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same bytes spelled another way: the last character with its unused low bits set. */
function withTrailingBits(part: string): string {
  const unused = part.length % 4 === 2 ? 0b1111 : part.length % 4 === 3 ? 0b11 : 0;
  if (unused === 0) throw new Error(`a segment of length ${part.length} has no unused bits`);
  const last = BASE64URL.indexOf(part[part.length - 1]!);
  return part.slice(0, -1) + BASE64URL[last | unused];
}

/** JSON nested `depth` levels deep, as text. */
function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('encoding, size and depth', () => {
  let key: TestKey;
  let attacker: TestKey;
  let app: Target;
  const claims = (extra: Record<string, unknown> = {}) => standardClaims({ aud: AUDIENCE, ...extra });
  const legit = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => forge({ alg: 'ES256', kid: key.kid, ...header }, claims(extra), key);
  const authorization = (value: string) => ({ headers: { authorization: value } });

  beforeAll(async () => {
    [key, attacker] = await Promise.all([makeKey('ES256', 'size-key'), makeKey('ES256', 'size-key')]);
    app = await startTarget({ jwks: { keys: [key.publicJwk] } });
  });
  afterAll(() => app.close());

  describe('non-canonical base64url', () => {
    it('= padding on any segment is token_malformed', async () => {
      const [h, p, s] = (await legit()).split('.');
      for (const token of [`${h}=.${p}.${s}`, `${h}.${p}==.${s}`, `${h}.${p}.${s}=`, `${h}.${p}.${s}==`]) {
        expectInvalid(await app.get('/me', { token }), 'token_malformed', token);
      }
    });

    it('the standard alphabet (+ and /) instead of - and _ is token_malformed', async () => {
      let token = await legit();
      while (!/[-_]/.test(token)) token = await legit({ jti: String(Math.random()) });
      const standard = token.replace(/-/g, '+').replace(/_/g, '/');
      expectInvalid(await app.get('/me', { token: standard }), 'token_malformed', standard);
    });

    it('spaces, tabs or line breaks inside the token are token_malformed; around it they are trimmed (RFC 6750)', async () => {
      const token = await legit();
      const [h, p, s] = token.split('.');
      for (const broken of [`${h}. ${p}.${s}`, `${h}.${p}.${s!.slice(0, 10)} ${s!.slice(10)}`, `${h}.${p}\t.${s}`]) {
        expectInvalid(await app.get('/me', authorization(`Bearer ${broken}`)), 'token_malformed', token);
      }
      expectInvalid(await app.get('/me', { headers: { cookie: `DS=${h}.${p}%20.${s}` } }), 'token_malformed', token);
      expect((await app.get('/me', authorization(`Bearer   ${token}  `))).status).toBe(200);
    });

    it('characters that only look like base64url (full-width, Cyrillic) are token_malformed', async () => {
      const token = await legit();
      for (const lookalike of [token.replace('A', '\uFF21'), token.replace('e', '\u0435')]) {
        if (lookalike === token) continue;
        const answer = await app.get('/me', authorization(`Bearer ${encodeURIComponent(lookalike)}`));
        expectInvalid(answer, 'token_malformed', token);
      }
    });

    it('unused trailing bits set in the header or payload are token_malformed, even signed over that spelling', async () => {
      const header = segment({ alg: 'ES256', kid: key.kid });
      let payload = segment(claims());
      for (let pad = 0; payload.length % 4 === 0; pad++) payload = segment(claims({ pad: 'x'.repeat(pad) }));
      const variants = header.length % 4 === 0 ? [[header, withTrailingBits(payload)]] : [[withTrailingBits(header), payload], [header, withTrailingBits(payload)]];
      for (const [h, p] of variants) {
        const token = `${h}.${p}.${await signInput(`${h}.${p}`, key)}`;
        expect(Buffer.from(`${h}.${p}`.split('.')[1]!, 'base64url')).toEqual(Buffer.from(payload, 'base64url'));
        expectInvalid(await app.get('/me', { token }), 'token_malformed', token);
      }
    });

    it('unused trailing bits set in a valid signature are token_malformed (the bytes, and so the signature, are unchanged)', async () => {
      const token = await legit();
      const [h, p, s] = token.split('.');
      const respelled = `${h}.${p}.${withTrailingBits(s!)}`;
      expect(Buffer.from(withTrailingBits(s!), 'base64url')).toEqual(Buffer.from(s!, 'base64url'));
      expectInvalid(await app.get('/me', { token: respelled }), 'token_malformed', respelled);
      expect((await app.get('/me', { token })).status).toBe(200);
    });
  });

  describe('size', () => {
    it('an oversized header, payload or signature is token_malformed by the length cap (8192), signed or not', async () => {
      const big = 'x'.repeat(9000);
      const tokens = [
        await legit({}, { junk: big }),
        await legit({ junk: big }),
        `${(await legit()).split('.').slice(0, 2).join('.')}.${'A'.repeat(9000)}`,
      ];
      for (const token of tokens) {
        expect(token.length).toBeGreaterThan(8192);
        expectInvalid(await app.get('/me', { token }), 'token_malformed', token);
      }
    });

    it('under the cap, a large header or payload signed by the real key is accepted; a long signature is signature_invalid', async () => {
      expect((await app.get('/me', { token: await legit({}, { junk: 'x'.repeat(5000) }) })).status).toBe(200);
      expect((await app.get('/me', { token: await legit({ junk: 'x'.repeat(5000) }) })).status).toBe(200);
      const [h, p] = (await legit()).split('.');
      const longSignature = `${h}.${p}.${'A'.repeat(6000)}`;
      expectInvalid(await app.get('/me', { token: longSignature }), 'signature_invalid', longSignature);
    });

    it('maxTokenLength moves the cap both ways', async () => {
      const small = await startTarget({ jwks: { keys: [key.publicJwk] }, maxTokenLength: 200 });
      const large = await startTarget({ jwks: { keys: [key.publicJwk] }, maxTokenLength: 12_000 });
      try {
        const normal = await legit();
        expect(normal.length).toBeGreaterThan(200);
        expectInvalid(await small.get('/me', { token: normal }), 'token_malformed', normal);
        const tenThousand = await legit({ junk: 'x'.repeat(7000) });
        expect(tenThousand.length).toBeGreaterThan(8192);
        expect((await large.get('/me', { token: tenThousand })).status).toBe(200);
        expectInvalid(await app.get('/me', { token: tenThousand }), 'token_malformed', tenThousand);
      } finally {
        await small.close();
        await large.close();
      }
    });

    it("a token beyond Node's header limit (16 KiB) is answered 431 by the HTTP server, never 5xx; the app keeps serving", async () => {
      const huge = 'A'.repeat(40_000);
      expect((await app.get('/me', authorization(`Bearer ${huge}.${huge}.${huge}`))).status).toBe(431);
      expect((await app.get('/me', { headers: { cookie: `DS=${huge}` } })).status).toBe(431);
      expect((await app.get('/health')).status).toBe(200);
      expect((await app.get('/me', { token: await legit() })).status).toBe(200);
    });
  });

  describe('depth', () => {
    it('a payload nested 2,500 levels deep, signed by the real key, is accepted; signed by another, signature_invalid', async () => {
      const payload = `${JSON.stringify(claims()).slice(0, -1)},"deep":${nested(2500)}}`;
      const token = await forge({ alg: 'ES256', kid: key.kid }, payload, key);
      expect(token.length).toBeLessThanOrEqual(8192);
      expect((await app.get('/me', { token })).status).toBe(200);
      const forged = await forge({ alg: 'ES256', kid: key.kid }, payload, attacker);
      expectInvalid(await app.get('/me', { token: forged }), 'signature_invalid', forged);
    });

    it('a header nested 2,500 levels deep is parsed without harm and refused when the signature is not the real one', async () => {
      const header = `{"alg":"ES256","kid":"${key.kid}","deep":${nested(2500)}}`;
      const forged = await forge(header, claims(), attacker);
      expectInvalid(await app.get('/me', { token: forged }), 'signature_invalid', forged);
      expect((await app.get('/me', { token: await forge(header, claims(), key) })).status).toBe(200);
    });

    it('a payload nested 200,000 levels deep (cap raised to 1 MB, through SessionService) is settled without a crash', async () => {
      const deepApp = await startTarget({ jwks: { keys: [key.publicJwk] }, maxTokenLength: 1_000_000 });
      try {
        const payload = `${JSON.stringify(claims()).slice(0, -1)},"deep":${nested(200_000)}}`;
        const sessions = deepApp.app.get(SessionService);
        const signed = await forge({ alg: 'ES256', kid: key.kid }, payload, key);
        const session = await sessions.validateSession(signed);
        expect(Object.isFrozen(session.claims.deep)).toBe(true);
        const forged = await forge({ alg: 'ES256', kid: key.kid }, payload, attacker);
        await expect(sessions.validateSession(forged)).rejects.toEqual(expect.objectContaining({ reason: 'signature_invalid' }));
        await expect(sessions.validateSession(forged)).rejects.toBeInstanceOf(SessionError);
      } finally {
        await deepApp.close();
      }
    });
  });
});
