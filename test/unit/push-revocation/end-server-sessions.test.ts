import { InMemoryServerSessionStore } from '../../../lib/index.js';
import { endServerSessions } from '../../../lib/push-revocation/end-server-sessions.js';
import { ServerSessionManager } from '../../../lib/server-sessions/server-session-manager.js';
import { readServerSessionsOptions } from '../../../lib/server-sessions/server-session-options.js';

async function withSessions() {
  const config = readServerSessionsOptions({ serverSessions: { store: new InMemoryServerSessionStore() } });
  if (config === false) throw new Error('unreachable');
  const manager = new ServerSessionManager(config);
  const login = (userId: string, providerSessionId?: string) =>
    manager.create({ userId, issuer: 'https://idp.example', sessionToken: `token-of-${userId}-${providerSessionId}`, ...(providerSessionId !== undefined && { providerSessionId }) });
  await Promise.all([login('alice', 'P1'), login('alice', 'P2'), login('alice'), login('bob', 'P1')]);
  const left = async (userId: string) => (await manager.list(userId)).map((record) => record.providerSessionId ?? null).sort();
  return { manager, left };
}

describe('pushed revocations end server-side sessions', () => {
  it('a sid with its user ends the sessions of that provider session only', async () => {
    const { manager, left } = await withSessions();
    expect(await endServerSessions(manager, { sessionId: 'P1', userId: 'alice' })).toBe(1);
    expect(await left('alice')).toEqual(['P2', null]);
    expect(await left('bob')).toEqual(['P1']);
  });

  it('a user revocation ends every session of the user', async () => {
    const { manager, left } = await withSessions();
    expect(await endServerSessions(manager, { userId: 'alice', cutoff: 0 })).toBe(3);
    expect(await left('alice')).toEqual([]);
    expect(await left('bob')).toEqual(['P1']);
  });

  it('a sid without a user, or no server-side sessions at all, ends nothing here (the revoked sid refuses the tokens)', async () => {
    const { manager, left } = await withSessions();
    expect(await endServerSessions(manager, { sessionId: 'P1' })).toBe(0);
    expect(await left('alice')).toEqual(['P1', 'P2', null]);
    expect(await endServerSessions(undefined, { userId: 'alice', cutoff: 0 })).toBe(0);
  });
});
