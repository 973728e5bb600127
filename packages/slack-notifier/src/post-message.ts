import { setTimeout as sleep } from 'node:timers/promises'
import { clipText, describeError, redactError } from '@cronwarden/core/plugin'
import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook'
import { SlackNotifierError } from './errors.js'
import { parseRetryAfter } from './retry-after.js'
import type { SlackMessage } from './slack-message.js'
import { createWebhookRedactor } from './slack-redaction.js'

export interface PostOptions {
  url: string
  /** The whole send, retries and waits included, ends within this. */
  timeoutMs: number
  /** Retries after a 5xx or a network error, each after a doubling delay. */
  maxRetries: number
  retryDelayMs: number
  /** The caller's signal (core aborts it at `notifyTimeoutMs`). */
  signal: AbortSignal | undefined
  /** When the send began (`performance.now()`), so URL resolution counts toward the budget. */
  startedAt: number
}

type Failure = { kind: 'retryable'; error: SlackNotifierError } | { kind: 'rate_limited'; waitMs: number | undefined }

/**
 * Posts one message with a bounded total time. `@slack/webhook` does the request (its own
 * retries are off, and its `timeout` is always set to the time left); the retry policy is
 * here because the library never retries a 429 and does not expose `Retry-After`.
 */
export async function postMessage(message: SlackMessage, options: PostOptions): Promise<void> {
  const redact = createWebhookRedactor(options.url)
  const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(remaining(options))))
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
  let attempts = 0
  let failures = 0
  let rateLimited = false

  for (;;) {
    const left = remaining(options)
    if (left <= 0) throw stopped(options, attempts)
    attempts++
    const failure = await attempt(message, options, signal, left, redact, attempts).catch((error: unknown) => {
      if (options.signal?.aborted || deadline.aborted) throw stopped(options, attempts)
      throw error
    })
    if (failure === undefined) return
    if (options.signal?.aborted || deadline.aborted) throw stopped(options, attempts)

    let waitMs: number
    if (failure.kind === 'rate_limited') {
      waitMs = failure.waitMs ?? options.retryDelayMs
      if (rateLimited || waitMs >= remaining(options)) {
        const left = Math.max(0, Math.round(remaining(options)))
        const asked = failure.waitMs === undefined ? `without a Retry-After` : `and asked to wait ${failure.waitMs} ms`
        const why = rateLimited ? 'a second time' : `${asked}, more than the ${left} ms left`
        throw new SlackNotifierError(`Slack rate-limited the alert (HTTP 429) ${why}`, {
          code: 'rate_limited',
          status: 429,
          attempts,
        })
      }
      rateLimited = true
    } else {
      failures++
      waitMs = options.retryDelayMs * 2 ** (failures - 1)
      // A retry that cannot start before the deadline would only turn the error into a timeout.
      if (failures > options.maxRetries || waitMs >= remaining(options)) throw failure.error
    }
    try {
      await sleep(waitMs, undefined, { signal })
    } catch {
      throw stopped(options, attempts)
    }
  }
}

/** One request; resolves with what went wrong (undefined on success), rejects when final. */
async function attempt(
  message: SlackMessage,
  options: PostOptions,
  signal: AbortSignal,
  timeoutMs: number,
  redact: (text: string) => string,
  attempts: number,
): Promise<Failure | undefined> {
  let retryAfter: string | null = null
  // Our fetch adds the caller's signal and reads Retry-After, which the library's error drops.
  const fetchWithSignal: FetchFunction = async (input, init) => {
    const signals = init?.signal ? [init.signal, signal] : [signal]
    const response = await fetch(input, { ...init, signal: AbortSignal.any(signals) })
    retryAfter = response.headers.get('retry-after')
    return response
  }
  const webhook = new IncomingWebhook(options.url, {
    timeout: Math.max(1, Math.ceil(timeoutMs)),
    fetch: fetchWithSignal,
    retryConfig: { retries: 0 },
  })
  try {
    await webhook.send(message)
    return undefined
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) {
      if (error.statusCode === 429) return { kind: 'rate_limited', waitMs: parseRetryAfter(retryAfter) }
      const httpError = describeHttpError(error, redact, attempts)
      if (error.statusCode >= 500) return { kind: 'retryable', error: httpError }
      throw httpError
    }
    if (error instanceof IncomingWebhookRequestError) {
      const original = error.original
      if (original.name === 'TimeoutError') throw timeoutError(options.timeoutMs, attempts)
      const reason = redact(describeNetworkError(original))
      return {
        kind: 'retryable',
        error: new SlackNotifierError(`Could not reach Slack: ${reason} (${plural(attempts, 'attempt')})`, {
          code: 'network_error',
          attempts,
          cause: redactError(original, redact),
        }),
      }
    }
    throw new SlackNotifierError(`Sending to Slack failed: ${redact(describeError(error))}`, {
      code: 'network_error',
      attempts,
      cause: redactError(error, redact),
    })
  }
}

/** Slack's own error texts are short codes; a longer body is an HTML page or a proxy's error. */
const MAX_SLACK_ERROR_LENGTH = 200

/** What each documented webhook error means for the person who has to fix it. */
const HINTS: Record<string, string> = {
  invalid_blocks: 'Slack refused the message layout',
  invalid_payload: 'Slack could not read the message',
  no_service: 'the webhook was removed or the URL is wrong: create a new one',
  no_team: 'the workspace of the webhook no longer exists',
  channel_not_found: "the webhook's channel no longer exists",
  channel_is_archived: "the webhook's channel is archived",
  action_prohibited: 'an admin restricted posting to the channel',
  invalid_token: 'the webhook was revoked: create a new one',
  team_disabled: 'the workspace is disabled',
  posting_to_general_channel_denied: 'only admins may post to that channel',
}

function describeHttpError(
  error: IncomingWebhookHTTPError,
  redact: (text: string) => string,
  attempts: number,
): SlackNotifierError {
  // Cut between code points: half an emoji would make the stored message malformed.
  const body = clipText(redact(error.body.trim()), MAX_SLACK_ERROR_LENGTH)
  const slackError = body === '' ? null : body
  const hint = slackError === null ? undefined : HINTS[slackError]
  const detail = slackError === null ? '' : `: ${slackError}${hint ? ` (${hint})` : ''}`
  return new SlackNotifierError(`Slack rejected the alert with HTTP ${error.statusCode}${detail}`, {
    code: 'http_error',
    status: error.statusCode,
    slackError,
    attempts,
  })
}

function describeNetworkError(error: Error): string {
  const cause = error.cause
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    return typeof code === 'string' ? `${error.message} (${code})` : `${error.message} (${cause.message})`
  }
  return error.message
}

function stopped(options: PostOptions, attempts: number): SlackNotifierError {
  if (options.signal?.aborted) {
    const reason: unknown = options.signal.reason
    return new SlackNotifierError(`Sending to Slack was aborted: ${describeError(reason)}`, {
      code: 'aborted',
      attempts,
      // The caller's own reason (core's NotifyTimeoutError); it never held the URL.
      cause: reason,
    })
  }
  return timeoutError(options.timeoutMs, attempts)
}

function timeoutError(timeoutMs: number, attempts: number): SlackNotifierError {
  return new SlackNotifierError(
    `Slack did not answer within ${timeoutMs} ms (timeoutMs, ${plural(attempts, 'attempt')})`,
    {
      code: 'timeout',
      attempts,
    },
  )
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function remaining(options: PostOptions): number {
  return options.timeoutMs - (performance.now() - options.startedAt)
}
