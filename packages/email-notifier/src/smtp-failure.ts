import { createRedactor, describeError, readSafely } from '@cronwarden/core/plugin'
import { EmailNotifierError, SmtpError, type SmtpStage } from './errors.js'

const STAGE_TEXT: Record<SmtpStage, string> = {
  'resolve-transport': 'could not resolve the SMTP transport',
  dns: 'could not resolve the SMTP host name',
  connect: 'could not connect to the SMTP server',
  greeting: 'the SMTP server accepted the connection but sent no greeting',
  tls: 'TLS with the SMTP server failed',
  auth: 'SMTP authentication failed',
  sender: 'the SMTP server rejected the sender',
  recipients: 'the SMTP server rejected a recipient',
  message: 'the SMTP server rejected the message',
  connection: 'the SMTP connection failed',
  protocol: 'the SMTP server answered something unexpected',
  timeout: 'sending did not finish in time',
  aborted: 'sending was aborted',
  send: 'sending failed',
}

/** What the notifier knows about the send when it fails. */
export interface FailureContext {
  notifierName: string
  /** `host:port`, or null for a transporter the caller built. */
  server: string | null
  /** Credentials and URLs to remove from every text that ends up in the error. */
  secrets: readonly string[]
}

/** The fields of a nodemailer error this package reads; everything else is dropped. */
interface TransportErrorFields {
  message: string
  code: string | null
  originalCode: string | null
  responseCode: number | null
  command: string | null
  response: string | null
  timeoutType: string | null
  rejected: string[]
}

export function describeFailure(
  stage: SmtpStage,
  detail: { code: string | null; responseCode?: number | null; rejected?: readonly string[]; reason?: string },
  context: FailureContext,
  cause?: unknown,
): EmailNotifierError {
  const rejected = detail.rejected ?? []
  const codes = [detail.code, detail.responseCode].filter((part) => part != null).join(' ')
  const parts = [`Alert email not sent: ${STAGE_TEXT[stage]}`]
  if (rejected.length > 0) parts.push(` (${rejected.join(', ')})`)
  if (codes) parts.push(` [${codes}]`)
  if (context.server) parts.push(` at ${context.server}`)
  if (detail.reason) parts.push(`: ${detail.reason}`)
  // A server may echo the user name in its reply, and several providers use an API key as
  // the user name, so user names count as secrets too.
  const redact = createRedactor(context.secrets)
  return new EmailNotifierError(
    redact(parts.join('')),
    {
      notifierName: context.notifierName,
      stage,
      code: detail.code,
      responseCode: detail.responseCode ?? null,
      rejectedRecipients: rejected,
    },
    cause === undefined ? undefined : { cause },
  )
}

/** Turns whatever the transport threw into an error that names the stage and holds no secret. */
export function fromTransportError(thrown: unknown, context: FailureContext): EmailNotifierError {
  const fields = readTransportError(thrown)
  const redact = createRedactor(context.secrets)
  const stage = stageOf(fields)
  const cause = new SmtpError(redact(fields.message), {
    code: fields.code,
    responseCode: fields.responseCode,
    command: commandName(fields.command),
    response: fields.response === null ? null : redact(fields.response),
  })
  // The server's reply says the most (535 5.7.8 ...); nodemailer's message is the fallback.
  const reason = fields.response ?? fields.message
  return describeFailure(
    stage,
    { code: fields.code, responseCode: fields.responseCode, rejected: fields.rejected, reason },
    context,
    cause,
  )
}

function stageOf(fields: TransportErrorFields): SmtpStage {
  const { code, command, timeoutType } = fields
  if (code === 'EDNS') return 'dns'
  if (code === 'ETLS' || code === 'EREQUIRETLS' || timeoutType === 'UPGRADE_TIMEOUT') return 'tls'
  // 530: the server wants AUTH first (it says so at MAIL FROM when no credentials were given).
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2' || fields.responseCode === 530) return 'auth'
  if (timeoutType === 'CONNECT_TIMEOUT') return 'connect'
  if (timeoutType === 'GREETING_TIMEOUT') return 'greeting'
  if (command === 'MAIL FROM') return 'sender'
  if (command === 'RCPT TO' || (code === 'EENVELOPE' && command !== 'DATA')) return 'recipients'
  if (command === 'DATA' || code === 'EMESSAGE') return 'message'
  if (code === 'EPROTOCOL') return 'protocol'
  if (code === 'EABORT') return 'aborted'
  // A refused or unreachable address is a connect failure; anything else ended a live session.
  if (
    fields.originalCode &&
    /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(fields.originalCode)
  ) {
    return 'connect'
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'ETIMEDOUT') return 'connection'
  return 'send'
}

/**
 * nodemailer names the failed command with fixed strings (`AUTH PLAIN`, `RCPT TO`, `CONN`).
 * Anything else (a custom transport's free text) could carry arguments such as
 * `AUTH PLAIN dXNlcgBwYXNz`, so it is dropped.
 */
function commandName(command: string | null): string | null {
  return command !== null && /^[A-Z]{3,8}( [A-Z0-9-]{2,12})?$/.test(command) ? command : null
}

/** Reads only strings and numbers, each read guarded: a custom transporter can throw anything. */
function readTransportError(thrown: unknown): TransportErrorFields {
  const record = typeof thrown === 'object' && thrown !== null ? (thrown as Record<string, unknown>) : {}
  const text = (key: string) =>
    readSafely(() => {
      const value = record[key]
      return typeof value === 'string' ? value : null
    }, null)
  return {
    // A bare string is a transport's own wording ("socket hang up"), kept as is.
    message: typeof thrown === 'string' ? thrown : describeError(thrown),
    code: text('code'),
    originalCode: text('originalCode'),
    responseCode: readSafely(() => {
      const value = record.responseCode
      return typeof value === 'number' ? value : null
    }, null),
    command: text('command'),
    response: text('response'),
    timeoutType: text('timeoutType'),
    rejected: readSafely(() => {
      const value = record.rejected
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
    }, []),
  }
}
