import { CronwardenError } from './errors.js'

/**
 * Why a send failed, in every HTTP channel (a channel adds codes of its own):
 * - `http_error`: the endpoint answered with an error status (a 4xx other than 429 is not retried);
 * - `rate_limited`: a 429 whose `Retry-After` did not fit in the time left, or a second 429;
 * - `timeout`: the channel's `timeoutMs` passed before the send finished;
 * - `network_error`: no answer at all (refused, reset, DNS, a redirect) after the retries;
 * - `aborted`: the caller's signal (core's `notifyTimeoutMs`) was aborted.
 */
export type ChannelErrorCode = 'http_error' | 'rate_limited' | 'timeout' | 'network_error' | 'aborted'

/** What a `ChannelError` is built from; the error's fields default from it. */
export interface ChannelErrorDetails<Code extends string> {
  /** Why the send failed; becomes `code`. */
  code: Code
  /** The HTTP status of the answer; null when there was none. */
  status?: number | null
  /** How many requests were sent. Default 0. */
  attempts?: number
  /** The start of the answer's body, already redacted and clipped by the channel. */
  responseBody?: string | null
  /** The underlying error, already stripped of every secret: it is kept as `cause` as is. */
  cause?: unknown
}

/**
 * The base of an HTTP channel's delivery error (Slack, webhooks): why the send failed, the
 * answer's status and body, and how many requests went out, the same fields in every
 * channel. A subclass sets `name` and `errorCode`. Built only from values already stripped of
 * secrets: a webhook URL is never in the message, the body or the `cause`.
 */
export class ChannelError<Code extends string = ChannelErrorCode> extends CronwardenError {
  /** Why the send failed (`http_error`, `rate_limited`, `timeout`, ...); see the channel's code type. */
  readonly code: Code
  /** The HTTP status of the answer, for `http_error` and `rate_limited` (429); otherwise null. */
  readonly status: number | null
  /** How many requests were sent; 0 when the send stopped before the first (a resolver failed). */
  readonly attempts: number
  /**
   * For `http_error`: the start of the answer's body, with every secret redacted and clipped
   * by the channel (Slack's `invalid_blocks`, PagerDuty's `{"status":"invalid event",...}`);
   * null for other codes or an empty body.
   */
  readonly responseBody: string | null

  constructor(message: string, details: ChannelErrorDetails<Code>) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = details.code
    this.status = details.status ?? null
    this.attempts = details.attempts ?? 0
    this.responseBody = details.responseBody ?? null
  }
}
