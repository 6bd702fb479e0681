/** RFC 6750 section 3: printable ASCII only, without `"` and `\` (tenant ids from a URL may hold anything). */
export function quote(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '')}"`;
}
