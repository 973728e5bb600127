import { type AlertEvent, type Notifier, type NotifyContext, parseOptions } from '@cronwarden/core'
import { z } from 'zod'
import { SlackNotifierError } from './errors.js'
import { formatSlackMessage } from './format-slack-message.js'
import { postMessage } from './post-message.js'
import { redactAnyUrl, redactError } from './redact.js'

/** A webhook URL, or a function resolving it at each send (e.g. `vaultSecret(db, name)`). */
export type WebhookUrlSource = string | (() => Promise<string>)

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

const MAX_TIMER_MS = 2_147_483_647

// Never echo the value in a message: it is a secret.
const webhookUrlSchema = z.custom<WebhookUrlSource>(
  (value) => typeof value === 'function' || (typeof value === 'string' && isHttpUrl(value)),
  { message: 'expected an http(s) webhook URL or a function returning a promise of one (value not shown)' },
)

const slackNotifierOptionsSchema = z.strictObject({
  webhookUrl: webhookUrlSchema,
  name: z.string().min(1).default('slack'),
  timeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(4_000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  retryDelayMs: z.number().int().min(0).max(MAX_TIMER_MS).default(250),
})

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
      const url = await resolveUrl(webhookUrl, signal, timeoutMs)
      await postMessage(message, { url, timeoutMs, maxRetries, retryDelayMs, signal, startedAt })
    },
  }
}

async function resolveUrl(
  source: WebhookUrlSource,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<string> {
  if (typeof source === 'string') return source
  let value: unknown
  try {
    value = await untilAborted(Promise.resolve().then(source), signal, timeoutMs)
  } catch (cause) {
    if (cause instanceof SlackNotifierError) throw cause
    // The resolver's error (e.g. VaultSecretError) should name the secret, not its value;
    // any URL in it is hidden all the same, in the message and along the cause chain.
    throw new SlackNotifierError(`Could not resolve the Slack webhook URL: ${redactAnyUrl(describe(cause))}`, {
      code: 'webhook_url',
      cause: redactError(cause, redactAnyUrl),
    })
  }
  if (typeof value !== 'string' || !isHttpUrl(value)) {
    throw new SlackNotifierError(
      `The webhookUrl function resolved to ${typeof value === 'string' ? 'a string that is not an http(s) URL (value not shown)' : `a ${value === null ? 'null' : typeof value}, not a URL`}`,
      { code: 'webhook_url' },
    )
  }
  return value
}

/** A resolver that hangs (a stuck database) must not outlive the send's time budget. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(
        new SlackNotifierError(`The webhookUrl function did not settle within ${timeoutMs} ms (timeoutMs)`, {
          code: 'timeout',
        }),
      )
    }, timeoutMs)
    const onAbort = () => {
      cleanup()
      reject(
        new SlackNotifierError(`Sending to Slack was aborted: ${describe(signal?.reason)}`, {
          code: 'aborted',
          cause: signal?.reason,
        }),
      )
    }
    const cleanup = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        cleanup()
        resolve(value)
      },
      (error: unknown) => {
        cleanup()
        reject(error)
      },
    )
  })
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message || value.name : String(value)
}
