import { setTimeout as sleep } from 'node:timers/promises'
import { createRetryRules, parseRetryAfter } from '@cronwarden/core/plugin'
import type { SlackNotifierError } from './errors.js'
import { abortedError, httpError, networkError, rateLimitedError, timeoutError } from './send-errors.js'
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

/**
 * Posts one message with Node's fetch. One signal ends everything at the deadline or when the
 * caller aborts: the request, reading the answer and the wait between attempts.
 */
export async function postMessage(message: SlackMessage, options: PostOptions): Promise<void> {
  const redact = createWebhookRedactor(options.url)
  const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(remaining(options))))
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
  const stopped = (attempts: number) =>
    options.signal?.aborted ? abortedError(options.signal, attempts) : timeoutError(options.timeoutMs, attempts)
  const rules = createRetryRules(options)
  const body = JSON.stringify(message)

  for (let attempts = 1; ; attempts++) {
    if (signal.aborted || remaining(options) <= 0) throw stopped(attempts - 1)
    const failure = await attempt(options.url, body, signal, redact, attempts).catch((error: unknown) => {
      throw signal.aborted ? stopped(attempts) : error
    })
    if (failure === undefined) return
    if (signal.aborted) throw stopped(attempts)
    const decision = rules(failure, remaining(options))
    if ('stop' in decision) {
      throw failure.kind === 'unavailable' ? failure.error : rateLimitedError(decision.rateLimited ?? '', attempts)
    }
    await sleep(decision.retryInMs, undefined, { signal }).catch(() => {
      throw stopped(attempts)
    })
  }
}

/**
 * An attempt worth another one, for core's retry rules; a 5xx or network error carries what
 * the send ends with if it is not retried. Slack sends no `Retry-After` with a 5xx.
 */
type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number | undefined }
  | { kind: 'unavailable'; retryAfterMs: undefined; error: SlackNotifierError }

const HEADERS = { 'content-type': 'application/json', 'user-agent': 'cronwarden-slack-notifier' }

/** One request: resolves when delivered or worth retrying, rejects when the send is over. */
async function attempt(
  url: string,
  body: string,
  signal: AbortSignal,
  redact: (text: string) => string,
  attempts: number,
): Promise<SlackFailure | undefined> {
  let response: Response
  try {
    // A redirect is refused (a network error), as @slack/webhook did: Slack's webhooks do not
    // redirect, and following one would post the alert somewhere Slack did not say.
    response = await fetch(url, { method: 'POST', headers: HEADERS, body, signal, redirect: 'error' })
  } catch (error) {
    if (signal.aborted) throw error
    return { kind: 'unavailable', retryAfterMs: undefined, error: networkError(error, redact, attempts) }
  }
  // Slack answers with a short text ('ok', 'invalid_blocks'). Read to the end so the
  // connection can be reused; a connection cut meanwhile only loses that text.
  const text = await response.text().catch(() => '')
  if (response.ok) return undefined
  if (response.status === 429) {
    return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) }
  }
  const failure = httpError(response.status, text, redact, attempts)
  if (response.status >= 500) return { kind: 'unavailable', retryAfterMs: undefined, error: failure }
  throw failure
}

function remaining(options: PostOptions): number {
  return options.timeoutMs - (performance.now() - options.startedAt)
}
