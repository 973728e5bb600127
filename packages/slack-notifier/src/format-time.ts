import { escapeSlackText } from './escape.js'

/**
 * A timestamp in each reader's own time zone (Slack's date token), with the ISO string as
 * the fallback that clients without date support, and notifications, show instead.
 */
export function slackDate(iso: string): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return escapeSlackText(iso)
  return `<!date^${Math.floor(millis / 1000)}^{date_short_pretty} at {time_secs}|${utcText(iso)}>`
}

/** `2026-11-28 03:00:00 UTC`: unambiguous where Slack's own date formatting is not shown. */
export function utcText(iso: string): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return escapeSlackText(iso)
  return `${new Date(millis).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** A duration a person reads at a glance: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  const totalSeconds = Math.floor(ms / 1_000)
  if (ms < 3_600_000) return joinUnits(Math.floor(totalSeconds / 60), 'min', totalSeconds % 60, 's')
  const totalMinutes = Math.floor(totalSeconds / 60)
  if (ms < 86_400_000) return joinUnits(Math.floor(totalMinutes / 60), 'h', totalMinutes % 60, 'min')
  const totalHours = Math.floor(totalMinutes / 60)
  return joinUnits(Math.floor(totalHours / 24), 'd', totalHours % 24, 'h')
}

function joinUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`
}
