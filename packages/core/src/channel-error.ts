import { CronwardenError } from './errors.js'

/** What a `ChannelError` is built from; the error's fields default from it. */
export interface ChannelErrorDetails<Code extends string> {
  /** Why the send failed; becomes `code`. */
  code: Code
  /** The HTTP status of the answer; null when there was none. */
  status?: number | null
  /** How many requests were sent. Default 0. */
  attempts?: number
  /** The underlying error, already stripped of every secret: it is kept as `cause` as is. */
  cause?: unknown
}

/**
 * The base of an HTTP channel's delivery error (Slack, webhooks): why the send failed, the
 * answer's status and how many requests went out, the same fields in every channel. A
 * subclass sets `name` and `errorCode` and adds what only its channel knows. Built only from
 * values already stripped of secrets: a webhook URL is never in the message or the `cause`.
 */
export class ChannelError<Code extends string> extends CronwardenError {
  /** Why the send failed (`http_error`, `rate_limited`, `timeout`, ...); see the channel's code type. */
  readonly code: Code
  /** The HTTP status of the answer, for `http_error` and `rate_limited` (429); otherwise null. */
  readonly status: number | null
  /** How many requests were sent; 0 when the send stopped before the first (a resolver failed). */
  readonly attempts: number

  constructor(message: string, details: ChannelErrorDetails<Code>) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = details.code
    this.status = details.status ?? null
    this.attempts = details.attempts ?? 0
  }
}
