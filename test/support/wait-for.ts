/**
 * Polls `condition` until it holds (or returns a truthy promise), failing after `timeoutMs`:
 * waits on a state, never on a fixed delay. An exception thrown by the condition counts as "not yet".
 */
export async function waitFor(condition: () => unknown, timeoutMs = 5000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}: ${condition.toString()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
