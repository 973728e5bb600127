import { clipText, counted, describeError, describeNetworkError, redactError } from '@cronwarden/core/plugin'
import { SlackNotifierError } from './errors.js'

/**
 * The errors a send ends with. Each is written from the status, Slack's short error text and
 * copies of errors with the webhook URL redacted: the URL is a secret, and the original
 * network error's message and stack may quote it (undici's "Failed to parse URL from ...").
 */

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

export function httpError(
  status: number,
  body: string,
  redact: (text: string) => string,
  attempts: number,
): SlackNotifierError {
  // Cut between code points: half an emoji would make the stored message malformed.
  const text = clipText(redact(body.trim()), MAX_SLACK_ERROR_LENGTH)
  const slackError = text === '' ? null : text
  const hint = slackError === null ? undefined : HINTS[slackError]
  const detail = slackError === null ? '' : `: ${slackError}${hint ? ` (${hint})` : ''}`
  return new SlackNotifierError(`Slack rejected the alert with HTTP ${status}${detail}`, {
    code: 'http_error',
    status,
    responseBody: slackError,
    attempts,
  })
}

export function networkError(error: unknown, redact: (text: string) => string, attempts: number): SlackNotifierError {
  return new SlackNotifierError(
    `Could not reach Slack: ${redact(describeNetworkError(error))} (${counted(attempts, 'attempt')})`,
    { code: 'network_error', attempts, cause: redactError(error, redact) },
  )
}

/** A 429 that was not retried; `why` comes from the retry rules ("a second time", ...). */
export function rateLimitedError(why: string, attempts: number): SlackNotifierError {
  return new SlackNotifierError(`Slack rate-limited the alert (HTTP 429) ${why}`, {
    code: 'rate_limited',
    status: 429,
    attempts,
  })
}

export function timeoutError(timeoutMs: number, attempts: number): SlackNotifierError {
  return new SlackNotifierError(
    `Slack did not answer within ${timeoutMs} ms (timeoutMs, ${counted(attempts, 'attempt')})`,
    { code: 'timeout', attempts },
  )
}

export function abortedError(signal: AbortSignal, attempts: number): SlackNotifierError {
  const reason: unknown = signal.reason
  return new SlackNotifierError(`Sending to Slack was aborted: ${describeError(reason)}`, {
    code: 'aborted',
    attempts,
    // The caller's own reason (core's NotifyTimeoutError); it never held the URL.
    cause: reason,
  })
}
