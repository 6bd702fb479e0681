/** A header as Node keeps it: the first value of a repeated header (the `Cookie` header is joined by Node itself). */
export function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
