/**
 * The text stored for a failed run. Jobs can throw anything; a non-Error still needs a
 * readable message in the log and the alert.
 */
export function describeError(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name
  if (typeof thrown === 'string') return thrown
  if (thrown === undefined) return 'undefined was thrown'
  try {
    return `Non-Error thrown: ${JSON.stringify(thrown)}`
  } catch {
    return `Non-Error thrown: ${String(thrown)}`
  }
}
