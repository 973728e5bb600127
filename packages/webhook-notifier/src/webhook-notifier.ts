import type { AlertEvent, Notifier, NotifyContext } from '@cronwarden/core'
import { parseOptions } from '@cronwarden/core/plugin'
import { buildRequest } from './build-request.js'
import type { HeaderRecord } from './headers.js'
import {
  checkHeaderRecord,
  checkRoutingKey,
  checkUrl,
  KNOWN_KEYS,
  optionsSchema,
  PAGERDUTY_EVENTS_URL,
  type WebhookFormat,
  type WebhookNotifierOptions,
} from './options.js'
import { createSendRedactor } from './redaction.js'
import { resolveSource, type SourceOption } from './resolve-source.js'
import { startBudget } from './send-budget.js'
import { sendRequest } from './send-request.js'

const URL_OPTION: SourceOption<string> = { option: 'url', code: 'url', check: checkUrl }
const HEADERS_OPTION: SourceOption<HeaderRecord> = { option: 'headers', code: 'headers', check: checkHeaderRecord }
const ROUTING_KEY_OPTION: SourceOption<string> = { option: 'routingKey', code: 'routing_key', check: checkRoutingKey }

const USER_AGENT = 'cronwarden-webhook-notifier'
const NO_HEADERS: HeaderRecord = {}

/**
 * A notifier posting each event to an HTTP endpoint with ky: the event as JSON, a Discord or
 * Teams message, a PagerDuty Events v2 event, or what a function of yours builds. It rejects
 * with a `WebhookNotifierError` when delivery failed; core records that and carries on.
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const parsed = parseOptions(optionsSchema, options, 'createWebhookNotifier options', KNOWN_KEYS)
  const { format, timeoutMs, maxRetries, retryDelayMs } = parsed
  const channel = channelOf(format)
  const url = parsed.url ?? PAGERDUTY_EVENTS_URL
  return {
    name: parsed.name ?? defaultName(format),
    async notify(event: AlertEvent, context?: NotifyContext) {
      const budget = startBudget(timeoutMs, context?.signal, channel)
      const [target, headers, routingKey] = await Promise.all([
        resolveSource(url, URL_OPTION, budget),
        parsed.headers === undefined ? NO_HEADERS : resolveSource(parsed.headers, HEADERS_OPTION, budget),
        parsed.routingKey === undefined ? undefined : resolveSource(parsed.routingKey, ROUTING_KEY_OPTION, budget),
      ])
      const secrets = [...Object.values(headers), ...(routingKey === undefined ? [] : [routingKey])]
      const redact = createSendRedactor(target, secrets)
      const request = await buildRequest(event, parsed, routingKey, budget, redact)
      // Later wins, whatever the case of the name: ours, then the `headers` option, then the format function's.
      const sent = new Headers({ 'user-agent': USER_AGENT, 'content-type': request.contentType })
      for (const record of [headers, request.headers]) {
        for (const [name, value] of Object.entries(record)) sent.set(name, value)
      }
      await sendRequest({
        url: target,
        body: request.body,
        headers: sent,
        channel,
        maxRetries,
        retryDelayMs,
        budget,
        redact,
      })
    },
  }
}

function channelOf(format: WebhookFormat): string {
  if (format === 'discord') return 'Discord'
  if (format === 'teams') return 'Microsoft Teams'
  if (format === 'pagerduty') return 'PagerDuty'
  return 'the webhook'
}

function defaultName(format: WebhookFormat): string {
  return typeof format === 'function' || format === 'json' ? 'webhook' : format
}
