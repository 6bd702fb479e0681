import { bearerTokenExtractor, cookieTokenExtractor, SessionError, type RequestCredentials } from '../../../lib/index.js';
import { isCookieValue } from '../../../lib/cookies/cookie-source.js';
import { readCookie } from '../../../lib/extraction/cookie.parser.js';
import { firstToken } from '../../../lib/extraction/token-locator.js';

function request(headers: Record<string, string>): RequestCredentials {
  return { header: (name) => headers[name], cookieHeader: headers.cookie, raw: {} };
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof SessionError ? error.reason : 'other';
  }
}

describe('bearerTokenExtractor', () => {
  it.each(['Bearer abc.def.ghi', 'bearer abc.def.ghi', 'BEARER abc.def.ghi', '  Bearer   abc.def.ghi  '])('reads %j', (value) => {
    expect(bearerTokenExtractor(request({ authorization: value }))).toBe('abc.def.ghi');
  });

  it('leaves other schemes and absent headers to the next extractor', () => {
    expect(bearerTokenExtractor(request({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeUndefined();
    expect(bearerTokenExtractor(request({}))).toBeUndefined();
  });

  it.each(['Bearer', 'Bearer ', 'Bearer a.b.c d.e.f', 'Bearer a.b.c,d.e.f', 'Bearer a.b.c\td.e.f'])('refuses %j as malformed', (value) => {
    expect(refusal(() => bearerTokenExtractor(request({ authorization: value })))).toBe('token_malformed');
  });
});

describe('cookies', () => {
  it('finds a named cookie among others', () => {
    expect(readCookie('a=1; DS=tok; DS=tok', 'DS')).toBe('tok');
    expect(readCookie('a=1; DS=tok; DS=%74ok; DS="tok"', 'DS')).toBe('tok');
    expect(readCookie('XDS=nope; DS=yes', 'DS')).toBe('yes');
    expect(readCookie('DS="quoted"', 'DS')).toBe('quoted');
    expect(readCookie('DS=a%2Eb', 'DS')).toBe('a.b');
    expect(readCookie('DS=%E0%A4%A', 'DS')).toBe('%E0%A4%A');
    expect(readCookie('other=1', 'DS')).toBeUndefined();
    expect(readCookie(undefined, 'DS')).toBeUndefined();
  });

  it('refuses the same name with different values as ambiguous (never first-wins)', () => {
    expect(refusal(() => readCookie('a=1; DS=tok; DS=later', 'DS'))).toBe('token_malformed');
    expect(refusal(() => readCookie('DS=tok; DS=', 'DS'))).toBe('token_malformed');
    expect(refusal(() => cookieTokenExtractor('DS')(request({ cookie: 'DS=one; other=1; DS=two' })))).toBe('token_malformed');
  });

  it('tells a cookie token from a header token whatever the spelling of the cookie', () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';
    for (const spelling of [token, `%65${token.slice(1)}`, encodeURIComponent(token).replace(/\./g, '%2E'), `"${token}"`, ` ${token} `]) {
      expect(isCookieValue(`a=1; DS=${spelling}`, token)).toBe(true);
      expect(isCookieValue(`DS=${spelling}`, cookieTokenExtractor('DS')(request({ cookie: `DS=${spelling}` }))!)).toBe(true);
    }
    expect(isCookieValue('a=1; DS=other', token)).toBe(false);
    expect(isCookieValue(undefined, token)).toBe(false);
  });

  it('gives no token for an empty cookie', () => {
    expect(cookieTokenExtractor('DS')(request({ cookie: 'DS=' }))).toBeUndefined();
  });
});

describe('firstToken', () => {
  it('prefers the bearer header over the cookie', () => {
    const extractors = [bearerTokenExtractor, cookieTokenExtractor('DS')];
    expect(firstToken(extractors, request({ authorization: 'Bearer h.h.h', cookie: 'DS=c.c.c' }))).toBe('h.h.h');
    expect(firstToken(extractors, request({ cookie: 'DS=c.c.c' }))).toBe('c.c.c');
    expect(firstToken(extractors, request({}))).toBeUndefined();
  });
});
