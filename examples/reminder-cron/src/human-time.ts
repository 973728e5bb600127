/**
 * Times and durations as the example prints them. Times are UTC in the same shape as the
 * fallback of the Slack alert's dates, so a day line, the alert and the log table can be
 * compared at a glance.
 */
export function formatUtc(time: Date | string): string {
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** `2026-01-12 06:00 UTC`, for the scheduled time of a day. */
export function formatUtcMinute(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function formatDurationMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`
}
