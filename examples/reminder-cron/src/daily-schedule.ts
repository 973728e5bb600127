const DAY_MS = 24 * 60 * 60 * 1000

/** The hour `supabase/schedule.sql` runs the reminder cron at, every day. */
export const DAILY_RUN_HOUR_UTC = 6

/** The latest daily run time (06:00 UTC) at or before `now`. */
export function latestDailyRun(now: Date): Date {
  const today = new Date(now)
  today.setUTCHours(DAILY_RUN_HOUR_UTC, 0, 0, 0)
  return today.getTime() <= now.getTime() ? today : new Date(today.getTime() - DAY_MS)
}
