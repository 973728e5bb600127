/**
 * Milliseconds to wait from a `Retry-After` header: delta-seconds (what Slack sends) or an
 * HTTP date. `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1_000
  // An HTTP date always names a weekday and month; Date.parse alone would read '-5' as a year.
  if (!/[a-z]{3}/i.test(value)) return undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
