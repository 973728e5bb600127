import { type AlertEvent, type AlertEventType, alertEventSchema } from '@cronwarden/core'
import { durationMs, kindOf, MAX_TIMER_MS, nameSchema, schemaMatches } from '@cronwarden/core/plugin'
import { z } from 'zod'
import { checkHeaders, type HeaderRecord } from './headers.js'
import type { Resolvable } from './resolve-source.js'

/** PagerDuty's severities (Events API v2 `payload.severity`), most urgent first. */
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info'

/** What a `format` function returns: the body to post and headers of its own. */
export interface WebhookRequest {
  /** Posted as is when a string (`text/plain` unless `headers` say otherwise); anything else as JSON. */
  body: unknown
  /** Added to the request, over the `headers` option and the defaults. */
  headers?: Record<string, string>
}

/** Builds the request for one event; user code, so what it throws or returns is checked. */
export type WebhookFormatFunction = (event: AlertEvent) => WebhookRequest | Promise<WebhookRequest>

/**
 * What is posted: `json` (the event as is), `discord` (an embed), `teams` (an Adaptive Card
 * for a Workflows webhook), `pagerduty` (an Events API v2 event), or a function of your own.
 */
export type WebhookFormat = 'json' | 'discord' | 'teams' | 'pagerduty' | WebhookFormatFunction

/** Options of `createWebhookNotifier`; unknown keys are an `OptionsError`. */
export interface WebhookNotifierOptions {
  /**
   * Where to post: an http(s) URL, or a function returning one (e.g. `vaultSecret(db, name)`),
   * called at each send. Required, except with `format: 'pagerduty'`, where it defaults to
   * `https://events.pagerduty.com/v2/enqueue` (set the EU endpoint here if your account is there).
   * Treated as a secret: never shown in an error.
   */
  url?: Resolvable<string>
  /** What is posted. Default `json`. */
  format?: WebhookFormat
  /**
   * Names the notifier in delivery records; unique among a job's notifiers. Default: the
   * format's name (`discord`, `teams`, `pagerduty`), `webhook` for `json` and a function.
   */
  name?: string
  /**
   * Headers added to every request (e.g. `authorization`), or a function returning them at
   * each send. Every value is treated as a secret: never shown, redacted from errors.
   */
  headers?: Resolvable<Record<string, string>>
  /** The whole send (resolvers, formatting, attempts, waits) ends within this. Default 4000. */
  timeoutMs?: number
  /** Retries after a 5xx answer or a network error, inside `timeoutMs`. Default 2. */
  maxRetries?: number
  /** Delay before the first such retry; it doubles for each next one. Default 250. */
  retryDelayMs?: number
  /**
   * PagerDuty only, and required there: the integration key of an Events API v2 integration
   * (or a function returning it at each send). A secret: never shown, redacted from errors.
   */
  routingKey?: Resolvable<string>
  /**
   * PagerDuty only: the severity sent per event type, over the defaults (`consecutive_failures`,
   * `missed_run` and `still_failing` `error`, `long_running` `warning`). A `recovered` event
   * resolves, so it has none.
   */
  severity?: Partial<Record<AlertEventType, PagerDutySeverity>>
  /** PagerDuty only: `payload.source`, the system the alert is about. Default `cronwarden`. */
  source?: string
}

/** Where PagerDuty's Events API v2 takes events (US service region). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue'

const FORMAT_NAMES = ['json', 'discord', 'teams', 'pagerduty'] as const
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const
const EVENT_TYPES = alertEventSchema.options.map((option) => option.shape.type.value) as [
  AlertEventType,
  ...AlertEventType[],
]

export function isSendableUrl(value: string): boolean {
  try {
    const url = new URL(value)
    // fetch refuses a URL with credentials, and its error would quote them.
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
  } catch {
    return false
  }
}

export function checkUrl(value: unknown): { value: string } | { problem: string } {
  if (typeof value === 'string' && isSendableUrl(value)) return { value }
  if (typeof value === 'string') return { problem: 'a string that is not an http(s) URL without credentials' }
  return { problem: `${kindOf(value)}, not a URL` }
}

export function checkRoutingKey(value: unknown): { value: string } | { problem: string } {
  if (typeof value === 'string' && value.trim() !== '') return { value: value.trim() }
  return { problem: typeof value === 'string' ? 'an empty string' : `${kindOf(value)}, not a string` }
}

export function checkHeaderRecord(value: unknown): { value: HeaderRecord } | { problem: string } {
  const checked = checkHeaders(value)
  return 'headers' in checked ? { value: checked.headers } : checked
}

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function'

// Messages never echo a value: each of these may be a secret.
const urlSchema = z.custom<Resolvable<string>>((value) => isFunction(value) || 'value' in checkUrl(value), {
  message: 'expected an http(s) URL without user:password@, or a function returning one (value not shown)',
})
const routingKeySchema = z.custom<Resolvable<string>>(
  (value) => isFunction(value) || 'value' in checkRoutingKey(value),
  { message: 'expected an Events API v2 integration key, or a function returning one (value not shown)' },
)
const headersSchema = z.custom<Resolvable<HeaderRecord>>(
  (value) => isFunction(value) || 'value' in checkHeaderRecord(value),
  {
    error: (issue) => {
      const checked = checkHeaderRecord(issue.input)
      return `expected header names and string values, or a function returning them: ${'problem' in checked ? checked.problem : ''}`
    },
  },
)

const optionsSchema = z
  .strictObject({
    url: urlSchema.optional(),
    format: z
      .union([z.enum(FORMAT_NAMES), z.custom<WebhookFormatFunction>(isFunction)], {
        error: `expected one of ${FORMAT_NAMES.map((name) => `'${name}'`).join(', ')}, or a function returning { body, headers }`,
      })
      .default('json'),
    name: nameSchema('notifier name').optional(),
    headers: headersSchema.optional(),
    timeoutMs: durationMs().default(4_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
    retryDelayMs: z.number().int().min(0).max(MAX_TIMER_MS).default(250),
    routingKey: routingKeySchema.optional(),
    severity: z.partialRecord(z.enum(EVENT_TYPES), z.enum(SEVERITIES)).optional(),
    source: nameSchema('PagerDuty source').optional(),
  })
  .superRefine((options, context) => {
    const pagerDuty = options.format === 'pagerduty'
    if (!pagerDuty && options.url === undefined) {
      context.addIssue({ code: 'custom', path: ['url'], message: 'required (only PagerDuty has a default URL)' })
    }
    if (pagerDuty && options.routingKey === undefined) {
      context.addIssue({ code: 'custom', path: ['routingKey'], message: "required with format 'pagerduty'" })
    }
    for (const key of ['routingKey', 'severity', 'source'] as const) {
      if (!pagerDuty && options[key] !== undefined) {
        context.addIssue({ code: 'custom', path: [key], message: "only used with format 'pagerduty'" })
      }
    }
  })
schemaMatches<typeof optionsSchema, WebhookNotifierOptions>(true)

const KNOWN_KEYS = Object.keys(optionsSchema.shape)

/** The options after parsing: defaults applied, everything checked. */
export type ParsedOptions = z.output<typeof optionsSchema>

export { KNOWN_KEYS, optionsSchema }
