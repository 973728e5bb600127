import { ChannelError, type ChannelErrorCode, type ChannelErrorDetails } from '@cronwarden/core/plugin'

/**
 * Why a send failed: core's `ChannelErrorCode` (`http_error`, `rate_limited`, `timeout`,
 * `network_error`, `aborted`), or `webhook_url`: the webhook URL could not be resolved or is
 * not an http(s) URL. A 4xx from Slack is not retried.
 */
export type SlackNotifierErrorCode = ChannelErrorCode | 'webhook_url'

/** What a `SlackNotifierError` is built from: `responseBody` is Slack's short error text. */
export type SlackNotifierErrorDetails = ChannelErrorDetails<SlackNotifierErrorCode>

/**
 * A Slack delivery that failed: `code`, `status`, `responseBody` (Slack's error text, such as
 * `invalid_blocks` or `no_service`, at most 200 characters with any webhook URL redacted) and
 * `attempts`, as every channel has them. Built only from the status, Slack's short error text
 * and errors stripped of the webhook URL: the URL is a secret and is never in the message,
 * the `cause` chain or the stack.
 */
export class SlackNotifierError extends ChannelError<SlackNotifierErrorCode> {
  override name = 'SlackNotifierError'
  /** Always `ERR_CRONWARDEN_SLACK_NOTIFIER`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_SLACK_NOTIFIER'

  /**
   * Slack's error text: the same value as `responseBody`, under the name 0.1.0 gave it.
   * @deprecated Read `responseBody`, which every channel's error has; this goes in 1.0.
   */
  get slackError(): string | null {
    return this.responseBody
  }
}
