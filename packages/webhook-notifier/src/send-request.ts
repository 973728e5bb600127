import { createRetryRules, parseRetryAfter, type RetryableFailure } from '@cronwarden/core/plugin'
import ky, { isHTTPError } from 'ky'
import type { WebhookNotifierError } from './errors.js'
import type { SendBudget } from './send-budget.js'
import { httpError, networkError, rateLimitedError } from './send-errors.js'

/** One prepared request and the rules it is sent under. */
export interface Delivery {
  url: string
  body: string
  headers: Headers
  /** Who is being posted to, for messages: `Discord`, `PagerDuty`, `the webhook`. */
  channel: string
  maxRetries: number
  retryDelayMs: number
  budget: SendBudget
  redact: (text: string) => string
}

/**
 * Posts with ky. ky runs the attempts, the waits between them (ended by the budget's signal,
 * which also ends a request in flight) and turns error statuses into errors; our retry rules
 * decide, through `shouldRetry`, whether and after how long to try again. ky's own timeout is
 * per attempt, so it is off: the budget's signal bounds the whole send instead.
 */
export async function sendRequest(delivery: Delivery): Promise<void> {
  const { budget } = delivery
  const rules = createRetryRules(delivery)
  let attempts = 0
  let nextWaitMs = 0
  let rateLimited: WebhookNotifierError | undefined
  try {
    const response = await ky.post(delivery.url, {
      body: delivery.body,
      headers: delivery.headers,
      signal: budget.signal,
      timeout: false,
      // Following a redirect would post the alert, and the headers, somewhere the URL does not say.
      redirect: 'error',
      retry: {
        // The most attempts the rules allow: maxRetries for 5xx answers and network errors, one 429.
        limit: delivery.maxRetries + 1,
        methods: ['post'],
        delay: () => nextWaitMs,
        shouldRetry: ({ error }) => {
          const failure = budget.signal.aborted ? undefined : retryableFailure(error)
          if (failure === undefined) return false
          const decision = rules(failure, budget.remainingMs())
          if ('stop' in decision) {
            if (decision.rateLimited) rateLimited = rateLimitedError(delivery.channel, decision.rateLimited, attempts)
            return false
          }
          discardBody(error)
          nextWaitMs = decision.retryInMs
          return true
        },
      },
      hooks: {
        beforeRequest: [
          () => {
            attempts++
          },
        ],
      },
    })
    // Delivered. The answer's body is not needed, and reading it must not turn a delivery into a timeout.
    discardBody(response)
  } catch (error) {
    if (budget.signal.aborted) throw budget.stopped(attempts)
    if (rateLimited) throw rateLimited
    if (!isHTTPError(error)) throw networkError(delivery.channel, error, delivery.redact, attempts)
    // A server that sends its status and then stalls costs the time left, not the status.
    const body = await budget.within(error.response.text()).catch(() => '')
    throw httpError(delivery.channel, error.response.status, body, delivery.redact, attempts)
  }
}

/** A 429, a 5xx or no answer may be worth another attempt; any other status is final. */
function retryableFailure(error: Error): RetryableFailure | undefined {
  if (!isHTTPError(error)) return { kind: 'unavailable', retryAfterMs: undefined }
  const { status, headers } = error.response
  if (status === 429) return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(headers.get('retry-after')) }
  if (status < 500) return undefined
  return { kind: 'unavailable', retryAfterMs: status === 503 ? parseRetryAfter(headers.get('retry-after')) : undefined }
}

/** Frees the connection of an answer whose body is not read. */
function discardBody(source: Error | Response): void {
  const response = source instanceof Response ? source : isHTTPError(source) ? source.response : undefined
  response?.body?.cancel().catch(() => {})
}
