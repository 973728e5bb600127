import { ChannelError, type ChannelErrorCode, type ChannelErrorDetails } from '@cronwarden/core/plugin'

/**
 * Why a send failed: core's `ChannelErrorCode` (`http_error`, `rate_limited`, `timeout`,
 * `network_error`, `aborted`; resolvers, formatting and waits count towards `timeout`), or:
 * - `url`, `headers`, `routing_key`: that option's resolver failed or gave an unusable value;
 * - `format`: the `format` function threw, or returned something that cannot be sent.
 */
export type WebhookNotifierErrorCode = ChannelErrorCode | 'url' | 'headers' | 'routing_key' | 'format'

/** What a `WebhookNotifierError` is built from. */
export type WebhookNotifierErrorDetails = ChannelErrorDetails<WebhookNotifierErrorCode>

/**
 * A delivery that failed: `code`, `status`, `responseBody` (for `http_error`, the start of
 * the answer's body: at most 300 characters, one line, every secret redacted) and `attempts`,
 * as every channel has them. Built only from the status, the clipped answer and errors copied
 * with every secret redacted: the URL, the header values and the routing key are never in the
 * message, the `cause` chain or the stack.
 */
export class WebhookNotifierError extends ChannelError<WebhookNotifierErrorCode> {
  override name = 'WebhookNotifierError'
  /** Always `ERR_CRONWARDEN_WEBHOOK_NOTIFIER`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_WEBHOOK_NOTIFIER'
}
