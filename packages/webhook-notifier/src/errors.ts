import { ChannelError, type ChannelErrorDetails } from '@cronwarden/core/plugin'

/**
 * Why a send failed:
 * - `http_error`: the endpoint answered with an error status (a 4xx other than 429 is not retried);
 * - `rate_limited`: a 429 whose `Retry-After` did not fit in the time left, or a second 429;
 * - `timeout`: `timeoutMs` passed before the send finished (resolvers, formatting and waits count);
 * - `network_error`: no answer at all (refused, reset, DNS, a redirect) after the retries;
 * - `aborted`: the caller's signal (core's `notifyTimeoutMs`) was aborted;
 * - `url`, `headers`, `routing_key`: that option's resolver failed or gave an unusable value;
 * - `format`: the `format` function threw, or returned something that cannot be sent.
 */
export type WebhookNotifierErrorCode =
  | 'http_error'
  | 'rate_limited'
  | 'timeout'
  | 'network_error'
  | 'aborted'
  | 'url'
  | 'headers'
  | 'routing_key'
  | 'format'

/** What a `WebhookNotifierError` is built from; the error's fields default from it. */
export interface WebhookNotifierErrorDetails extends ChannelErrorDetails<WebhookNotifierErrorCode> {
  /** The start of the answer's body, already redacted and clipped. */
  responseBody?: string | null
}

/**
 * A delivery that failed: `code`, `status` and `attempts` as every channel has them. Built
 * only from the status, the clipped answer and errors copied with every secret redacted: the
 * URL, the header values and the routing key are never in the message, the `cause` chain or
 * the stack.
 */
export class WebhookNotifierError extends ChannelError<WebhookNotifierErrorCode> {
  override name = 'WebhookNotifierError'
  /** Always `ERR_CRONWARDEN_WEBHOOK_NOTIFIER`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_WEBHOOK_NOTIFIER'
  /**
   * For `http_error`: the start of the answer's body (at most 300 characters, one line, every
   * secret redacted), e.g. PagerDuty's `{"status":"invalid event",...}`; null when empty.
   */
  readonly responseBody: string | null

  constructor(message: string, details: WebhookNotifierErrorDetails) {
    super(message, details)
    this.responseBody = details.responseBody ?? null
  }
}
