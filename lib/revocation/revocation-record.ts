/** One revocation, as stores write, publish and merge it. Times: `until` epoch ms, `cutoff` epoch s. */
export type RevocationRecord =
  | { readonly kind: 'session'; readonly id: string; readonly until: number }
  | { readonly kind: 'user'; readonly id: string; readonly cutoff: number; readonly until: number };
