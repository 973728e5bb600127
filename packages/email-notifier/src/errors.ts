import { CronwardenError } from '@cronwarden/core'

/**
 * Where a send failed. Named after the SMTP conversation rather than nodemailer's codes, so an
 * operator reading the delivery record knows whether to check the credentials, the address
 * list or the network.
 */
export type SmtpStage =
  | 'resolve-transport'
  | 'dns'
  | 'connect'
  | 'greeting'
  | 'tls'
  | 'auth'
  | 'sender'
  | 'recipients'
  | 'message'
  | 'connection'
  | 'protocol'
  | 'timeout'
  | 'aborted'
  | 'send'

/** What an `EmailNotifierError` is built from; each field becomes the error's field of the same name. */
export interface EmailNotifierErrorDetails {
  /** The `name` of the notifier whose send failed. */
  notifierName: string
  /** Where the send failed. */
  stage: SmtpStage
  /** nodemailer's code (`EAUTH`, `EENVELOPE`, `ETIMEDOUT`, ...), or null when there is none. */
  code: string | null
  /** The SMTP reply code (535, 550, ...) when the server answered with one. */
  responseCode: number | null
  /** Recipients the server refused. */
  rejectedRecipients: readonly string[]
}

/**
 * An alert email that was not sent. The message names the stage, the code and the server
 * (host and port only): never the password, the user name or the SMTP URL, since delivery
 * errors are logged and stored. `cause` is a copy of the transport's error with the same
 * fields scrubbed, so nothing secret is reachable through it either.
 */
export class EmailNotifierError extends CronwardenError {
  override name = 'EmailNotifierError'
  /** Always `ERR_CRONWARDEN_EMAIL_NOTIFIER`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_EMAIL_NOTIFIER'
  /** The notifier whose send failed: its `name` option (default `email`). */
  readonly notifierName: string
  /** Where the send failed (`auth`, `recipients`, `greeting`, `timeout`, ...): what to check first. */
  readonly stage: SmtpStage
  /**
   * nodemailer's code (`EAUTH`, `EENVELOPE`, `ESOCKET`, ...): `ETIMEDOUT` at stage `timeout`,
   * `EABORT` at `aborted`. Null at `resolve-transport`, or when the transport gave none.
   */
  readonly code: string | null
  /** The SMTP reply code (535, 550, ...); null when the server sent none. */
  readonly responseCode: number | null
  /**
   * Addresses the server refused; empty when it refused none. When it took the message for
   * some recipients only, the send still fails (stage `recipients`) and these are the others.
   */
  readonly rejectedRecipients: readonly string[]

  constructor(message: string, details: EmailNotifierErrorDetails, options?: { cause: unknown }) {
    super(message, options)
    this.notifierName = details.notifierName
    this.stage = details.stage
    this.code = details.code
    this.responseCode = details.responseCode
    this.rejectedRecipients = details.rejectedRecipients
  }
}

/**
 * The transport's own error, rebuilt from the fields worth keeping (code, reply, command verb)
 * after the secrets were removed. nodemailer's error objects can carry more than their
 * message, so the original is never kept.
 */
export class SmtpError extends CronwardenError {
  /** Always `SmtpError`. It is only ever found as the `cause` of an `EmailNotifierError`. */
  override name = 'SmtpError'
  /** Always `ERR_CRONWARDEN_SMTP`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_SMTP'
  /** nodemailer's code (`EAUTH`, `ECONNECTION`, ...); null when the transport's error had none. */
  readonly code: string | null
  /** The SMTP reply code (535, 550, ...); null when the server sent none. */
  readonly responseCode: number | null
  /** The SMTP command that failed (`AUTH PLAIN`, `RCPT TO`, `CONN`), never its arguments. */
  readonly command: string | null
  /** The server's reply, with secrets removed; null when there was none. */
  readonly response: string | null

  constructor(
    message: string,
    fields: { code: string | null; responseCode: number | null; command: string | null; response: string | null },
  ) {
    super(message)
    this.code = fields.code
    this.responseCode = fields.responseCode
    this.command = fields.command
    this.response = fields.response
  }
}
