import { valueText } from './describe-error.js'
import { counted } from './human-text.js'
import { readSafely } from './read-safely.js'
import { clipText, singleLine } from './safe-text.js'

/**
 * At most this many of an unknown event's fields are shown: a Slack section holds 10, and a
 * message is for reading, not for the whole record (the store's alert entry keeps that).
 */
export const MAX_UNKNOWN_EVENT_FIELDS = 10

/** A field's name as a label: short names made of letters, digits and `_ . -` only. */
const LABEL = /^[A-Za-z0-9_.-]{1,64}$/
const MAX_TYPE_LENGTH = 64
const MAX_VALUE_LENGTH = 1_000

/**
 * What every channel shows of an event whose `type` this version does not know: an event a
 * newer cronwarden wrote to the alert table, read by an older notifier. Showing it beats
 * failing the delivery, which would be retried until the entry expires while nobody hears of
 * it. Every string is one line of display text.
 */
export interface UnknownEvent {
  /** The event's `type`, at most 64 characters; `unknown` when it has none or an empty one. */
  readonly type: string
  /** The event's `job_name`; `unknown job` when it has none or an empty one. */
  readonly jobName: string
  /** `run_id` as written, for threading and keys; null when absent. */
  readonly runId: string | null
  /** `down_since` as written: the event belongs to that streak. Null when absent. */
  readonly downSince: string | null
  /** `occurred_at` as written; null when absent. */
  readonly occurredAt: string | null
  /** The first fields whose names are plain labels, each value as text (JSON for non-strings). */
  readonly fields: ReadonlyArray<readonly [label: string, value: string]>
  /** How many fields are not in `fields`: past the first ten, or with a name that is not a plain label. */
  readonly omittedFields: number
}

/** Reads what it can of any value, never throwing: a getter or a Proxy trap that throws reads as absent. */
export function readUnknownEvent(event: unknown): UnknownEvent {
  const entries: Array<[string, unknown]> =
    typeof event === 'object' && event !== null ? readSafely(() => Object.entries(event), []) : []
  const text = (key: string): string | null => {
    const value = entries.find(([name]) => name === key)?.[1]
    return typeof value === 'string' ? value : null
  }
  const labelled = entries.filter(([name]) => LABEL.test(name))
  const fields = labelled.slice(0, MAX_UNKNOWN_EVENT_FIELDS).map(([name, value]) => [name, fieldText(value)] as const)
  return {
    type: clipText(singleLine(text('type') || 'unknown'), MAX_TYPE_LENGTH),
    jobName: singleLine(text('job_name') || 'unknown job'),
    runId: text('run_id'),
    downSince: text('down_since'),
    occurredAt: text('occurred_at'),
    fields,
    omittedFields: entries.length - fields.length,
  }
}

/** The sentence every channel opens an unknown event with, naming the package that lays it out. */
export function unknownEventSentence(event: UnknownEvent, packageName: string): string {
  const more = event.omittedFields === 0 ? '' : ` ${counted(event.omittedFields, 'field')} not shown.`
  return `cronwarden sent a "${event.type}" event about "${event.jobName}", a type this version of ${packageName} does not know.${more}`
}

function fieldText(value: unknown): string {
  return clipText(singleLine(valueText(value)), MAX_VALUE_LENGTH)
}
