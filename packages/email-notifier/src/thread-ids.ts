import { createHash } from 'node:crypto'

/**
 * Threading without shared memory. `job_name` + `down_since` identify one incident, so every
 * process that sends about it derives the same Message-ID for its first alert (the root) and
 * the recovery can point `In-Reply-To` / `References` at it, even when another process,
 * another day, sent the root. The hash keeps job names (which may hold anything) out of the
 * Message-ID, which only allows a restricted set of characters.
 */
export interface ThreadIds {
  messageId: string
  /** The incident's root Message-ID when this email continues an incident. */
  inReplyTo: string | null
  /** The incident's hash, shown as a header so filters and tools can group mails. */
  incident: string | null
}

export function incidentKey(jobName: string, downSince: string): string {
  return digest(['incident', jobName, normalizeTime(downSince)])
}

/**
 * The Message-ID of an incident's first email, `<incident.<hash>@domain>`. Every process
 * derives the same one from the event's `job_name` and `down_since` (any ISO spelling of the
 * same instant), so a message sent elsewhere can reply to the alert's thread.
 */
export function incidentMessageId(jobName: string, downSince: string, domain: string): string {
  return `<incident.${incidentKey(jobName, downSince)}@${domain}>`
}

/** The root of an incident: this email starts the thread. */
export function rootIds(jobName: string, downSince: string, domain: string): ThreadIds {
  return {
    messageId: incidentMessageId(jobName, downSince, domain),
    inReplyTo: null,
    incident: incidentKey(jobName, downSince),
  }
}

/** A later email of an incident: its own id, replying to the root. */
export function replyIds(jobName: string, downSince: string, parts: readonly string[], domain: string): ThreadIds {
  return {
    messageId: `<${digest(['reply', jobName, normalizeTime(downSince), ...parts])}@${domain}>`,
    inReplyTo: incidentMessageId(jobName, downSince, domain),
    incident: incidentKey(jobName, downSince),
  }
}

/** An email outside any incident (a long run): a deterministic id of its own. */
export function standaloneIds(parts: readonly string[], domain: string): ThreadIds {
  return { messageId: `<${digest(['standalone', ...parts])}@${domain}>`, inReplyTo: null, incident: null }
}

/**
 * Two processes may render one instant differently (`...000Z` vs `+00:00`); the incident must
 * not split over that.
 */
export function normalizeTime(value: string): string {
  const time = Date.parse(value)
  return Number.isNaN(time) ? value : new Date(time).toISOString()
}

/** JSON keeps the parts apart: ["a b", "c"] and ["a", "b c"] must not collide. */
function digest(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)
}
