/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 keeps a string
 * made by `slice` (a token taken out of an `Authorization` or `Cookie` header) as a view of the
 * whole original: caching the view would keep every request's full header alive as long as the
 * entry. Verified tokens are ASCII, so the latin1 round trip is exact (and checked).
 */
export function detachedCopy(text: string): string {
  const copy = Buffer.from(text, 'latin1').toString('latin1');
  return copy === text ? copy : text;
}
