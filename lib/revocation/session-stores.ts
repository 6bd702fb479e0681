import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { RevocationStore } from './revocation-store.interface.js';
import type { SessionDataStore } from './session-data-store.interface.js';

/** The three stores the module uses, seen as one (the built-in stores are all three at once). */
export type SessionStores = RevocationStore & SessionDataStore & ReplayStore;

/**
 * One object over three stores: the revocation store itself when it is all three, else a view
 * delegating each method to its store; `start` and `close` reach each distinct store once.
 */
export function combineStores(revocations: RevocationStore, data: SessionDataStore, replay: ReplayStore): SessionStores {
  if ((data as object) === revocations && (replay as object) === revocations) return revocations as SessionStores;
  const distinct = [...new Set<RevocationStore | SessionDataStore | ReplayStore>([revocations, data, replay])];
  return Object.freeze({
    start: async () => {
      await Promise.all(distinct.map((store) => store.start?.()));
    },
    close: async () => {
      await Promise.all(distinct.map((store) => store.close?.()));
    },
    revokeSession: (sessionId: string, until: number) => revocations.revokeSession(sessionId, until),
    revokeUserSessions: (userId: string, cutoff: number, until: number) => revocations.revokeUserSessions(userId, cutoff, until),
    isRevoked: (subject: Parameters<RevocationStore['isRevoked']>[0]) => revocations.isRevoked(subject),
    getData: (sessionId: string) => data.getData(sessionId),
    setData: (sessionId: string, json: string, until: number) => data.setData(sessionId, json, until),
    deleteData: (sessionId: string) => data.deleteData(sessionId),
    claimOnce: (id: string, until: number) => replay.claimOnce(id, until),
  });
}
