/** The `code spans` in the first cell of every table row of `markdown`: the names a reference table lists. */
export function firstCellNames(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1];
    for (const span of firstCell?.matchAll(/`([^`]+)`/g) ?? []) names.add(span[1]!);
  }
  return names;
}
