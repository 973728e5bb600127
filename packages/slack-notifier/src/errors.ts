import { ChannelError, type ChannelErrorDetails } from '@cronwarden/core/plugin'

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
export interface SlackNotifierErrorDetails extends ChannelErrorDetails<SlackNotifierErrorCode> {
  /** Slack's error text from the response body (`invalid_blocks`, `no_service`, ...). */
  slackError?: string | null
}

/**
 * A Slack delivery that failed: `code`, `status` (Slack's answer) and `attempts` as every
 * channel has them. Built only from the status, Slack's short error text and errors stripped
 * of the webhook URL: the URL is a secret and is never in the message, the `cause` chain or
 * the stack.
 */
export class SlackNotifierError extends ChannelError<SlackNotifierErrorCode> {
  override name = 'SlackNotifierError'
  /** Always `ERR_CRONWARDEN_SLACK_NOTIFIER`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_SLACK_NOTIFIER'
  /**
   * Slack's error text (`invalid_blocks`, `no_service`, ...) for `http_error`, at most 200
   * characters with any webhook URL redacted; null for other codes or an empty body.
   */
  readonly slackError: string | null

  constructor(message: string, details: SlackNotifierErrorDetails) {
    super(message, details)
    this.slackError = details.slackError ?? null
  }
}
