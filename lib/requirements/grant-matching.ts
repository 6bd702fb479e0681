/** Descope's semantics: every required name must be granted; an empty requirement is met. */
export function grantsAll(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((name) => granted.includes(name));
}

export function grantsAny(granted: readonly string[], required: readonly string[]): boolean {
  return required.length === 0 || required.some((name) => granted.includes(name));
}

/** Those of `required` that are granted, in the order asked. Names match exactly (case and Unicode form). */
export function matchedGrants(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((name) => granted.includes(name));
}
