import { CronwardenError } from '@cronwarden/core'

/**
 * Why a send failed:
 * - `http_error`: Slack answered with an error status (4xx are not retried);
 * - `rate_limited`: 429 whose Retry-After did not fit in the time left, or a second 429;
 * - `timeout`: `timeoutMs` passed before Slack answered;
 * - `network_error`: no answer at all (refused, reset, DNS) after the retries;
 * - `aborted`: the caller's signal (core's `notifyTimeoutMs`) was aborted;
 * - `webhook_url`: the webhook URL could not be resolved or is not an http(s) URL.
 */
export type SlackNotifierErrorCode =
  | 'http_error'
  | 'rate_limited'
  | 'timeout'
  | 'network_error'
  | 'aborted'
  | 'webhook_url'

/** What a `SlackNotifierError` is built from; the error's fields default from it. */
export interface SlackNotifierErrorDetails {
  /** Why the send failed; becomes `SlackNotifierError.code`. */
  code: SlackNotifierErrorCode
  /** The HTTP status Slack answered with; null when there was no answer. */
  status?: number | null
  /** Slack's error text from the response body (`invalid_blocks`, `no_service`, ...). */
  slackError?: string | null
  /** How many requests were sent. Default 0. */
  attempts?: number
  /** The underlying error, already stripped of the webhook URL: it is kept as `cause` as is. */
  cause?: unknown
}

/**
 * A Slack delivery that failed. Built only from the status, Slack's short error text and
 * errors stripped of the webhook URL: the URL is a secret and is never in the message,
 * the `cause` chain or the stack.
 */
export class SlackNotifierError extends CronwardenError {
  override name = 'SlackNotifierError'
  /** Always `ERR_CRONWARDEN_SLACK_NOTIFIER`. */
  override get errorCode(): 'ERR_CRONWARDEN_SLACK_NOTIFIER' {
    return 'ERR_CRONWARDEN_SLACK_NOTIFIER'
  }
  /** Why the send failed (`http_error`, `rate_limited`, `timeout`, ...); see `SlackNotifierErrorCode`. */
  readonly code: SlackNotifierErrorCode
  /** The HTTP status Slack answered with, for `http_error` and `rate_limited` (429); otherwise null. */
  readonly status: number | null
  /**
   * Slack's error text (`invalid_blocks`, `no_service`, ...) for `http_error`, at most 200
   * characters with any webhook URL redacted; null for other codes or an empty body.
   */
  readonly slackError: string | null
  /** How many requests were sent; 0 when the send stopped before the first (e.g. `webhook_url`). */
  readonly attempts: number

  constructor(message: string, details: SlackNotifierErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = details.code
    this.status = details.status ?? null
    this.slackError = details.slackError ?? null
    this.attempts = details.attempts ?? 0
  }
}
