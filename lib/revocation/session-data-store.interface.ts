/**
 * Server-side data of a session (`SessionService.getSessionData` / `setSessionData`), by session
 * id, as a JSON string. Logout deletes it. Not revocation: a store may hold one without the other.
 */
export interface SessionDataStore {
  /** Called once when the module starts. Must not throw for an unreachable backend. */
  start?(): Promise<void>;
  /** Called when the module stops. */
  close?(): Promise<void>;

  /** The data, `undefined` when there is none (or it expired). */
  getData(sessionId: string): Promise<string | undefined>;
  /** Stores `json` until `until` (epoch ms), replacing what was there; an `until` in the past deletes. */
  setData(sessionId: string, json: string, until: number): Promise<void>;
  deleteData(sessionId: string): Promise<void>;
}
