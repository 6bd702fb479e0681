import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { SessionDataStore } from './session-data-store.interface.js';

/**
 * The session-data and one-time-id side of a built-in store, handed to its parts: the store
 * itself adds the revocations, so one object serves the three interfaces.
 */
export abstract class DataAndReplayParts implements SessionDataStore, ReplayStore {
  protected constructor(
    private readonly dataPart: SessionDataStore,
    private readonly replayPart: ReplayStore,
  ) {}

  getData(sessionId: string): Promise<string | undefined> {
    return this.dataPart.getData(sessionId);
  }

  setData(sessionId: string, json: string, until: number): Promise<void> {
    return this.dataPart.setData(sessionId, json, until);
  }

  deleteData(sessionId: string): Promise<void> {
    return this.dataPart.deleteData(sessionId);
  }

  /** One claim of `id` wins until `until`; a shared backend fails closed (`revocation_unavailable`). */
  claimOnce(id: string, until: number): Promise<boolean> {
    return this.replayPart.claimOnce(id, until);
  }
}
