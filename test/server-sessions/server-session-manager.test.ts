import { InMemoryServerSessionStore, SessionConfigError } from '../../lib/index.js';
import { readServerSessionsOptions } from '../../lib/server-sessions/server-session-options.js';
import { ServerSessionManager } from '../../lib/server-sessions/server-session-manager.js';

const KEY = new Uint8Array(32).fill(7);

function setup(options: { idleTimeout?: number; absoluteLifetime?: number; touchInterval?: number } = {}) {
  let now = 1_800_000_000_000;
  const clock = { advance: (seconds: number) => (now += seconds * 1000) };
  const store = new InMemoryServerSessionStore(() => now);
  const config = readServerSessionsOptions({ serverSessions: { store, encryptionKey: KEY, ...options } });
  if (config === false) throw new Error('unreachable');
  return { clock, store, manager: new ServerSessionManager(config, () => now) };
}

const LOGIN = { userId: 'u1', issuer: 'https://idp.example', sessionToken: 'session.token.value', refreshToken: 'refresh-value', idToken: 'id.token.value', userAgent: 'Firefox' };

describe('ServerSessionManager', () => {
  it('keeps the tokens sealed at rest and opens them for the session they belong to', async () => {
    const { store, manager } = setup();
    const { secret, record } = await manager.create(LOGIN);
    const stored = (await store.get(record.id))!;
    for (const value of [stored.sessionToken, stored.refreshToken, stored.idToken]) {
      expect(value).toMatch(/^ey[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(value).not.toContain('value');
    }
    expect(await manager.load(secret)).toMatchObject({ sessionToken: LOGIN.sessionToken, refreshToken: LOGIN.refreshToken, idToken: LOGIN.idToken });
    expect(record.id).not.toBe(secret);

    // A sealed token copied into another session's record does not open there.
    const other = await manager.create({ ...LOGIN, sessionToken: 'other' });
    await store.save({ ...(await store.get(other.record.id))!, sessionToken: stored.sessionToken }, Date.now() + 3_600_000_000);
    expect(await manager.load(other.secret)).toBeUndefined();
  });

  it('ends a session idle for longer than idleTimeout; activity keeps it alive', async () => {
    const { clock, manager } = setup({ idleTimeout: 100, touchInterval: 10 });
    const { secret } = await manager.create(LOGIN);
    clock.advance(90);
    await manager.touch((await manager.load(secret))!);
    clock.advance(90);
    expect(await manager.load(secret)).toBeDefined();
    clock.advance(101);
    expect(await manager.load(secret)).toBeUndefined();
  });

  it('ends a session at its absolute lifetime, however active', async () => {
    const { clock, manager } = setup({ idleTimeout: 100, absoluteLifetime: 250, touchInterval: 10 });
    const { secret } = await manager.create(LOGIN);
    for (let elapsed = 0; elapsed < 240; elapsed += 60) {
      clock.advance(60);
      await manager.touch((await manager.load(secret))!);
    }
    clock.advance(11);
    expect(await manager.load(secret)).toBeUndefined();
  });

  it('gives every login a new id and ends the one the browser came with (no fixation)', async () => {
    const { manager } = setup();
    const first = await manager.create(LOGIN);
    const second = await manager.create(LOGIN, first.secret);
    expect(second.secret).not.toBe(first.secret);
    expect(await manager.load(first.secret)).toBeUndefined();
    expect(await manager.load(second.secret)).toBeDefined();
    expect((await manager.list('u1')).map((record) => record.id)).toEqual([second.record.id]);
  });
});

describe('serverSessions options', () => {
  it.each([
    [{ secureCookie: false }, 'serverSessions.secureCookie'],
    [{ encryptionKey: 'short' }, 'serverSessions.encryptionKey'],
    [{ idleTimeout: 10, absoluteLifetime: 5 }, 'serverSessions.idleTimeout'],
    [{ sameSite: 'None' }, 'serverSessions.sameSite'],
    [{ store: {} }, 'serverSessions.store'],
    [{ cookieName: 'a b' }, 'serverSessions.cookieName'],
    [{ idelTimeout: 5 }, 'serverSessions.idelTimeout'],
  ])('refuses %j at start-up', (options, option) => {
    expect(() => readServerSessionsOptions({ serverSessions: options as never })).toThrow(SessionConfigError);
    expect(() => readServerSessionsOptions({ serverSessions: options as never })).toThrow(option);
  });

  it('defaults: __Host-session, Secure, SameSite=Lax, 1 day idle, 7 days absolute', () => {
    expect(readServerSessionsOptions({ serverSessions: true })).toMatchObject({
      cookieName: '__Host-session',
      secureCookie: true,
      sameSite: 'Lax',
      idleTimeoutMs: 86_400_000,
      absoluteLifetimeMs: 604_800_000,
    });
    expect(readServerSessionsOptions({})).toBe(false);
  });
});

describe('ServerSessionManager.touch', () => {
  it('does not write back tokens another instance has refreshed meanwhile', async () => {
    const { clock, manager } = setup({ touchInterval: 10 });
    const { secret } = await manager.create(LOGIN);
    clock.advance(20);
    const seenHere = (await manager.load(secret))!;
    // Another instance refreshes between this one's load and its touch.
    await manager.replaceTokens((await manager.load(secret))!, { sessionToken: 'refreshed.session.token', refreshToken: 'rotated-refresh' });
    await manager.touch(seenHere);
    expect(await manager.load(secret)).toMatchObject({ sessionToken: 'refreshed.session.token', refreshToken: 'rotated-refresh' });
  });
});
