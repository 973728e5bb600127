import { createHash } from 'node:crypto'
import type { AlertEvent, AlertEventType } from '@cronwarden/core'
import { clipText, displayFields, singleLine } from '@cronwarden/core/plugin'
import { describeEvent } from './describe-event.js'
import { fitText } from './markdown-text.js'
import type { PagerDutySeverity } from './options.js'

// PagerDuty Events API v2:
// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (summary ≤ 1024 characters,
// source, severity critical|error|warning|info, timestamp, component, group, class, custom_details)
// https://developer.pagerduty.com/docs/events-api-v2/resolve-events/ (routing_key, event_action, dedup_key)
// A dedup_key is at most 255 characters; events sharing one belong to one alert.
// A trigger whose dedup_key matches an open alert is appended to that alert's log instead of
// opening a new incident (https://support.pagerduty.com/docs/event-management, "Deduplicate
// Alerts"): that is how a `still_failing` reminder lands in the incident its alert opened.
const SUMMARY_MAX = 1_024
const DEDUP_KEY_MAX = 255

/** What a trigger event says about the failure; PagerDuty shows `summary` first. */
export interface PagerDutyPayload {
  /** Job, what happened and the error's first line, on one line of at most 1024 characters. */
  summary: string
  /** The system the alert is about: the `source` option, default `cronwarden`. */
  source: string
  /** `critical`, `error`, `warning` or `info`: the `severity` option for the event's type, or its default. */
  severity: PagerDutySeverity
  /** When the event was decided (ISO 8601); absent if the event's time is unreadable. */
  timestamp?: string
  /** The job's name. */
  component: string
  /** The event's type (`consecutive_failures`, `missed_run`, ...). */
  class: string
  /** The event's fields, as JSON (strings cleaned and clipped). */
  custom_details: Record<string, unknown>
}

/** Opens an alert, or adds to the open one with the same `dedup_key`. */
export interface PagerDutyTriggerEvent {
  /** The integration key (a secret). */
  routing_key: string
  /** Always `trigger`. */
  event_action: 'trigger'
  /** The incident's key: the same for every event of one streak, so a redelivery adds nothing new. */
  dedup_key: string
  /** Always `cronwarden`: shown as the tool that sent the event. */
  client: string
  /** What the alert says. */
  payload: PagerDutyPayload
}

/** Resolves the alert opened with the same `dedup_key`: sent for a `recovered` event. */
export interface PagerDutyResolveEvent {
  /** The integration key (a secret). */
  routing_key: string
  /** Always `resolve`. */
  event_action: 'resolve'
  /** The key the streak's trigger events used. */
  dedup_key: string
}

/** The body posted to PagerDuty's Events API v2; tell the two apart by `event_action`. */
export type PagerDutyEvent = PagerDutyTriggerEvent | PagerDutyResolveEvent

/** What `formatPagerDutyEvent` needs besides the event. */
export interface PagerDutyEventOptions {
  /** The Events API v2 integration key. */
  routingKey: string
  /** The severity per event type, over the defaults. */
  severity?: Partial<Record<AlertEventType, PagerDutySeverity>>
  /** `payload.source`. Default `cronwarden`. */
  source?: string
}

/**
 * The exact body posted to PagerDuty for an event. Pure, for previews and tests. Failure
 * events (`consecutive_failures`, `missed_run`) trigger, a `still_failing` reminder triggers
 * again into the same open incident, `recovered` resolves, all with the streak's `dedup_key`;
 * a `long_running` event triggers an alert of its own run.
 */
export function formatPagerDutyEvent(event: AlertEvent, options: PagerDutyEventOptions): PagerDutyEvent {
  const description = describeEvent(event)
  const dedupKey = keyOf(description.incident.id)
  if (description.incident.action === 'resolve') {
    return { routing_key: options.routingKey, event_action: 'resolve', dedup_key: dedupKey }
  }
  const timestamp = description.occurredAt
  const jobName = fitText(description.jobName, 200, same)
  const headline = `${jobName} ${description.what}: `
  return {
    routing_key: options.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    client: 'cronwarden',
    payload: {
      summary: `${headline}${fitText(singleLine(description.detail), SUMMARY_MAX - headline.length, same)}`,
      source: options.source ?? 'cronwarden',
      severity: options.severity?.[event.type] ?? description.severity,
      ...(timestamp === undefined ? {} : { timestamp }),
      component: jobName,
      class: event.type,
      custom_details: details(event),
    },
  }
}

/**
 * The `dedup_key` of an event: `cronwarden/<job>/<down_since>` for a streak (so a redelivered
 * alert, from any process, never opens a second incident), `cronwarden/<job>/run/<run_id>` for
 * a long run. A key over 255 characters becomes `cronwarden/sha256/<hash of it>`.
 */
export function pagerDutyDedupKey(event: AlertEvent): string {
  return keyOf(describeEvent(event).incident.id)
}

function keyOf(incidentId: string): string {
  const key = `cronwarden/${incidentId}`
  if (key.length <= DEDUP_KEY_MAX) return key
  return `cronwarden/sha256/${createHash('sha256').update(key).digest('hex')}`
}

function details(event: AlertEvent): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...displayFields(event) }
  for (const [key, value] of Object.entries(shown)) {
    if (typeof value === 'string') shown[key] = clipText(value)
  }
  return shown
}

const same = (text: string) => text
