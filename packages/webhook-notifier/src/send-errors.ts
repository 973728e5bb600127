import { clipText, counted, describeNetworkError, redactError, singleLine } from '@cronwarden/core/plugin'
import { WebhookNotifierError } from './errors.js'

/**
 * The errors an attempt ends with, written from the status, the start of the answer and
 * copies of errors with every secret redacted: the original network error's message and
 * stack may quote the URL, and ky's own errors always do.
 */

/** Enough of an answer to see what went wrong (`{"status":"invalid event",...}`), not a page of HTML. */
const MAX_RESPONSE_BODY = 300

export function httpError(
  channel: string,
  status: number,
  body: string,
  redact: (text: string) => string,
  attempts: number,
): WebhookNotifierError {
  const text = clipText(singleLine(redact(body)).trim(), MAX_RESPONSE_BODY)
  return new WebhookNotifierError(
    `${capitalized(channel)} rejected the alert with HTTP ${status}${text === '' ? '' : `: ${text}`}`,
    { code: 'http_error', status, responseBody: text === '' ? null : text, attempts },
  )
}

export function rateLimitedError(channel: string, why: string, attempts: number): WebhookNotifierError {
  return new WebhookNotifierError(`${capitalized(channel)} rate-limited the alert (HTTP 429) ${why}`, {
    code: 'rate_limited',
    status: 429,
    attempts,
  })
}

export function networkError(
  channel: string,
  error: unknown,
  redact: (text: string) => string,
  attempts: number,
): WebhookNotifierError {
  return new WebhookNotifierError(
    `Could not reach ${channel}: ${redact(describeNetworkError(error))} (${counted(attempts, 'attempt')})`,
    { code: 'network_error', attempts, cause: redactError(error, redact) },
  )
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}
