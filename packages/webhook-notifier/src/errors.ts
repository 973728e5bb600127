import { CronwardenError } from '@cronwarden/core'

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
export interface WebhookNotifierErrorDetails {
  /** Why the send failed; becomes `WebhookNotifierError.code`. */
  code: WebhookNotifierErrorCode
  /** The HTTP status of the answer; null when there was none. */
  status?: number | null
  /** The start of the answer's body, already redacted and clipped. */
  responseBody?: string | null
  /** How many requests were sent. Default 0. */
  attempts?: number
  /** The underlying error, already stripped of every secret: it is kept as `cause` as is. */
  cause?: unknown
}

/**
 * A delivery that failed. Built only from the status, the clipped answer and errors copied
 * with every secret redacted: the URL, the header values and the routing key are never in
 * the message, the `cause` chain or the stack.
 */
export class WebhookNotifierError extends CronwardenError {
  override name = 'WebhookNotifierError'
  /** Always `ERR_CRONWARDEN_WEBHOOK_NOTIFIER`. */
  override get errorCode(): 'ERR_CRONWARDEN_WEBHOOK_NOTIFIER' {
    return 'ERR_CRONWARDEN_WEBHOOK_NOTIFIER'
  }
  /** Why the send failed (`http_error`, `rate_limited`, `timeout`, ...); see `WebhookNotifierErrorCode`. */
  readonly code: WebhookNotifierErrorCode
  /** The HTTP status of the answer, for `http_error` and `rate_limited`; otherwise null. */
  readonly status: number | null
  /**
   * For `http_error`: the start of the answer's body (at most 300 characters, one line, every
   * secret redacted), e.g. PagerDuty's `{"status":"invalid event",...}`; null when empty.
   */
  readonly responseBody: string | null
  /** How many requests were sent; 0 when the send stopped before the first (e.g. `url`). */
  readonly attempts: number

  constructor(message: string, details: WebhookNotifierErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = details.code
    this.status = details.status ?? null
    this.responseBody = details.responseBody ?? null
    this.attempts = details.attempts ?? 0
  }
}
