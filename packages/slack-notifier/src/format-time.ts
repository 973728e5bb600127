import { utcTime } from '@cronwarden/core/plugin'
import { escapeSlackText } from './escape.js'

/**
 * A timestamp in each reader's own time zone (Slack's date token), with the UTC text as
 * the fallback that clients without date support, and notifications, show instead.
 */
export function slackDate(iso: string): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return escapeSlackText(iso)
  return `<!date^${Math.floor(millis / 1000)}^{date_short_pretty} at {time_secs}|${utcTime(iso)}>`
}
