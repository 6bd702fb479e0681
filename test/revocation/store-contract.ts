import type { ReplayStore, RevocationStore, RevocationSubject, SessionDataStore } from '../../lib/index.js';
import { waitFor } from '../support/wait-for.js';

/** A store as the contract sees it: the three interfaces (the built-in stores implement all of them). */
export type ContractStore = RevocationStore & SessionDataStore & ReplayStore;

export interface StoreUnderTest {
  /** Runs once before the suite (start a server ...). */
  before?(): Promise<void>;
  after?(): Promise<void>;
  /** A started store. Every store made in one test shares one backend when `shared`. */
  create(): Promise<ContractStore>;
  /** `true` when several stores (instances) share revocations; `false` for a single-process store. */
  readonly shared: boolean;
  /** How long a revocation may take to reach another instance (the store's documented bound). */
  readonly propagationMs?: number;
}

const HOUR = 3_600_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
/** Ids unique to a test, so that tests sharing a backend do not see each other's records. */
const unique = (name: string) => `${name}-${Date.now()}-${++counter}`;

async function revoked(store: RevocationStore, subject: RevocationSubject): Promise<boolean> {
  return await store.isRevoked(subject);
}

/**
 * The behaviour every store implementation owes the module: run it against yours with
 * `describeStoreContract('MyStore', { create: ... })` (see docs/stores.md).
 */
export function describeStoreContract(name: string, subject: StoreUnderTest): void {
  describe(`${name} (store contract)`, () => {
    const created: ContractStore[] = [];
    const store = async () => {
      const made = await subject.create();
      created.push(made);
      return made;
    };

    beforeAll(async () => subject.before?.());
    afterEach(async () => {
      await Promise.all(created.splice(0).map((made) => made.close?.()));
    });
    afterAll(async () => subject.after?.());

    it('refuses a revoked session, and only that one', async () => {
      const s = await store();
      const [sid, other, user] = [unique('S'), unique('S'), unique('U')];
      await s.revokeSession(sid, Date.now() + HOUR);
      expect(await revoked(s, { userId: user, sessionId: sid })).toBe(true);
      expect(await revoked(s, { userId: user, sessionId: other })).toBe(false);
      expect(await revoked(s, { userId: user })).toBe(false);
    });

    it('logoutAll: sessions of the user begun at or before the cutoff are refused, later ones, unknown starts and other users as documented', async () => {
      const s = await store();
      const [user, otherUser] = [unique('U'), unique('U')];
      await s.revokeUserSessions(user, 1_000, Date.now() + HOUR);
      expect(await revoked(s, { userId: user, startedAt: 999 })).toBe(true);
      expect(await revoked(s, { userId: user, startedAt: 1_000 })).toBe(true);
      expect(await revoked(s, { userId: user, startedAt: 1_001 })).toBe(false);
      // A session that cannot show when it began is older than any cutoff.
      expect(await revoked(s, { userId: user })).toBe(true);
      expect(await revoked(s, { userId: otherUser, startedAt: 1 })).toBe(false);
    });

    it('a write never weakens a record: an earlier expiry or cutoff leaves the stronger one', async () => {
      const s = await store();
      const [sid, user] = [unique('S'), unique('U')];
      await s.revokeSession(sid, Date.now() + HOUR);
      await s.revokeSession(sid, Date.now() + 100);
      await s.revokeUserSessions(user, 2_000, Date.now() + HOUR);
      await s.revokeUserSessions(user, 1_000, Date.now() + 100);
      await pause(250);
      expect(await revoked(s, { userId: 'x', sessionId: sid })).toBe(true);
      expect(await revoked(s, { userId: user, startedAt: 1_500 })).toBe(true);
      expect(await revoked(s, { userId: user, startedAt: 2_000 })).toBe(true);
    });

    it('records end at their expiry; one already expired changes nothing', async () => {
      const s = await store();
      const [sid, user, past] = [unique('S'), unique('U'), unique('S')];
      await s.revokeSession(sid, Date.now() + 200);
      await s.revokeUserSessions(user, 1_000, Date.now() + 200);
      await s.revokeSession(past, Date.now() - 1);
      expect(await revoked(s, { userId: 'x', sessionId: sid })).toBe(true);
      expect(await revoked(s, { userId: 'x', sessionId: past })).toBe(false);
      await pause(300);
      expect(await revoked(s, { userId: 'x', sessionId: sid })).toBe(false);
      expect(await revoked(s, { userId: user, startedAt: 1 })).toBe(false);
    });

    it('session data: stored, replaced, deleted, and gone at its expiry', async () => {
      const s = await store();
      const [sid, short] = [unique('S'), unique('S')];
      expect(await s.getData(sid)).toBeUndefined();
      await s.setData(sid, '{"a":1}', Date.now() + HOUR);
      await s.setData(sid, '{"a":2}', Date.now() + HOUR);
      expect(await s.getData(sid)).toBe('{"a":2}');
      await s.deleteData(sid);
      expect(await s.getData(sid)).toBeUndefined();
      await s.setData(short, '{}', Date.now() + 200);
      expect(await s.getData(short)).toBe('{}');
      await pause(300);
      expect(await s.getData(short)).toBeUndefined();
      // An expiry in the past deletes.
      await s.setData(sid, '{"b":1}', Date.now() + HOUR);
      await s.setData(sid, '{"b":2}', Date.now() - 1);
      expect(await s.getData(sid)).toBeUndefined();
    });

    it('claimOnce: exactly one of concurrent claims wins; an expired claim can be made again', async () => {
      const s = await store();
      const [id, short] = [unique('jti'), unique('jti')];
      const answers = await Promise.all([1, 2, 3].map(() => s.claimOnce(id, Date.now() + HOUR)));
      expect(answers.filter(Boolean)).toHaveLength(1);
      await expect(s.claimOnce(id, Date.now() + HOUR)).resolves.toBe(false);
      await expect(s.claimOnce(short, Date.now() + 200)).resolves.toBe(true);
      await pause(300);
      await expect(s.claimOnce(short, Date.now() + 200)).resolves.toBe(true);
    });

    if (subject.shared) {
      it('another instance learns a logout and a logoutAll within the propagation bound; data and claims are shared', async () => {
        const a = await store();
        const b = await store();
        const [sid, user, data, jti] = [unique('S'), unique('U'), unique('S'), unique('jti')];
        expect(await revoked(b, { userId: 'x', sessionId: sid })).toBe(false);
        await a.revokeSession(sid, Date.now() + HOUR);
        await a.revokeUserSessions(user, 1_000, Date.now() + HOUR);
        const bound = subject.propagationMs ?? 2000;
        await waitFor(async () => (await revoked(b, { userId: 'x', sessionId: sid })) && (await revoked(b, { userId: user, startedAt: 1 })), bound);
        await a.setData(data, '{"shared":true}', Date.now() + HOUR);
        expect(await b.getData(data)).toBe('{"shared":true}');
        const claims = await Promise.all([a.claimOnce(jti, Date.now() + HOUR), b.claimOnce(jti, Date.now() + HOUR)]);
        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      it('a new instance knows the revocations made before it started', async () => {
        const a = await store();
        const sid = unique('S');
        await a.revokeSession(sid, Date.now() + HOUR);
        const late = await store();
        expect(await revoked(late, { userId: 'x', sessionId: sid })).toBe(true);
      });
    }
  });
}
