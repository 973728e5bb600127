import type { AlertEvent, Notifier, NotifyContext } from '@cronwarden/core'
import { durationMs, MAX_TIMER_MS, parseOptions, schemaMatches } from '@cronwarden/core/plugin'
import { z } from 'zod'
import { formatSlackMessage } from './format-slack-message.js'
import { postMessage } from './post-message.js'
import { isHttpUrl, resolveWebhookUrl, type WebhookUrlSource } from './resolve-webhook-url.js'

/** Options of `createSlackNotifier`; unknown keys are an `OptionsError`. */
export interface SlackNotifierOptions {
  /**
   * The incoming webhook URL, or a function returning a promise of it, called at each send
   * so a rotated secret is picked up without a restart.
   */
  webhookUrl: WebhookUrlSource
  /** Names the notifier in delivery records. Default `slack`. */
  name?: string
  /** The whole send (URL resolution, retries, waits) ends within this. Default 4000. */
  timeoutMs?: number
  /** Retries after a 5xx answer or a network error, inside `timeoutMs`. Default 2. */
  maxRetries?: number
  /** Delay before the first such retry; it doubles for each next one. Default 250. */
  retryDelayMs?: number
}

// Never echo the value in a message: it is a secret.
const webhookUrlSchema = z.custom<WebhookUrlSource>(
  (value) => typeof value === 'function' || (typeof value === 'string' && isHttpUrl(value)),
  { message: 'expected an http(s) webhook URL or a function returning a promise of one (value not shown)' },
)

export const slackNotifierOptionsSchema = z.strictObject({
  webhookUrl: webhookUrlSchema,
  name: z.string().min(1).default('slack'),
  timeoutMs: durationMs().default(4_000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  retryDelayMs: z.number().int().min(0).max(MAX_TIMER_MS).default(250),
})
schemaMatches<typeof slackNotifierOptionsSchema, SlackNotifierOptions>(true)

const KNOWN_KEYS = Object.keys(slackNotifierOptionsSchema.shape)

/**
 * A notifier posting each event to a Slack incoming webhook as Block Kit. It rejects with a
 * `SlackNotifierError` when delivery failed; core records that and carries on.
 */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const parsed = parseOptions(slackNotifierOptionsSchema, options, 'createSlackNotifier options', KNOWN_KEYS)
  const { webhookUrl, name, timeoutMs, maxRetries, retryDelayMs } = parsed
  return {
    name,
    async notify(event: AlertEvent, context?: NotifyContext) {
      const startedAt = performance.now()
      const signal = context?.signal
      const message = formatSlackMessage(event)
      const url = await resolveWebhookUrl(webhookUrl, signal, timeoutMs)
      await postMessage(message, { url, timeoutMs, maxRetries, retryDelayMs, signal, startedAt })
    },
  }
}
