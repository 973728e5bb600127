import { UsageError } from './errors.js'

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** The longest mute: past ten years a mute is a forgotten job, and dates stay far from any limit. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d

/**
 * A duration as an operator types it, one whole number and one unit: `90s`, `30m`, `2h`,
 * `1d`. One unit only, so `1h30m` is refused rather than read as something else; say `90m`.
 * A bad value is a `UsageError` naming `flag` and the expected form (exit 2).
 */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d{1,7})([smhd])$/.exec(value.trim())
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN
  if (!(ms > 0 && ms <= MAX_DURATION_MS))
    throw new UsageError(
      `${flag}: expected a whole number and a unit s, m, h or d (e.g. 90s, 30m, 2h, 1d), at most 3650d, got "${value}"`,
    )
  return ms
}

/**
 * A point in time with its zone spelled out (`2026-12-01T14:00:00Z`, `…+01:00`): a time
 * without one would be read in this machine's zone, which the database and the on-call person
 * may not share. Must lie in the future, within `MAX_DURATION_MS`.
 */
export function parseFutureTime(flag: string, value: string, now: Date): Date {
  const form = 'an ISO 8601 time with a zone, e.g. 2026-12-01T14:00:00Z'
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())
  const at = zoned ? new Date(value.trim()) : null
  if (at === null || Number.isNaN(at.getTime())) throw new UsageError(`${flag}: expected ${form}, got "${value}"`)
  if (at.getTime() <= now.getTime())
    throw new UsageError(
      `${flag}: ${at.toISOString()} has passed; expected a future time (to unmute: cronwarden unmute)`,
    )
  if (at.getTime() - now.getTime() > MAX_DURATION_MS)
    throw new UsageError(`${flag}: ${at.toISOString()} is more than 3650 days away`)
  return at
}
