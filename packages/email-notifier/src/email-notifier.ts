import { type AlertEvent, describeError, type Notifier, type NotifyContext } from '@cronwarden/core'
import { parseOptions, untilAborted } from '@cronwarden/core/plugin'
import type { SendMailOptions } from 'nodemailer'
import { EmailNotifierError } from './errors.js'
import { DEFAULT_MESSAGE_ID_DOMAIN, type FormattedEmail, formatEmail } from './format-email.js'
import {
  type EmailNotifierOptions,
  emailNotifierOptionsSchema,
  type ParsedEmailNotifierOptions,
  senderDomain,
} from './options.js'
import { resolveTransport } from './resolve-transport.js'
import { describeFailure, type FailureContext, fromTransportError } from './smtp-failure.js'
import { type PreparedTransport, prepareTransport } from './transport.js'

/**
 * Sends each alert event as an email through an SMTP server (any transactional provider's
 * SMTP endpoint, or an internal relay). One send never outlives `timeoutMs` or the signal
 * core passes in; a failure rejects with an `EmailNotifierError` naming the SMTP stage.
 */
export function createEmailNotifier(options: EmailNotifierOptions): Notifier {
  const parsed = parseOptions(emailNotifierOptionsSchema, options, 'createEmailNotifier options')
  const messageIdDomain = parsed.messageIdDomain ?? senderDomain(parsed.from) ?? DEFAULT_MESSAGE_ID_DOMAIN
  const formatOptions =
    parsed.subjectPrefix === undefined ? { messageIdDomain } : { messageIdDomain, subjectPrefix: parsed.subjectPrefix }
  return {
    name: parsed.name,
    async notify(event: AlertEvent, context: NotifyContext) {
      await send(parsed, formatEmail(event, formatOptions), context.signal)
    },
  }
}

async function send(options: ParsedEmailNotifierOptions, email: FormattedEmail, outerSignal: AbortSignal) {
  const deadlineAt = Date.now() + options.timeoutMs
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs)
  const signal = AbortSignal.any([outerSignal, deadline.signal])
  let prepared: PreparedTransport | undefined
  const failureContext = (): FailureContext => ({
    notifierName: options.name,
    server: prepared?.server ?? null,
    secrets: prepared?.secrets ?? [],
  })
  try {
    const source = await untilAborted(resolveTransport(options.transport, failureContext), signal)
    prepared = prepareTransport(source, deadlineAt - Date.now())
    const info = await untilAborted(prepared.transporter.sendMail(toMail(options, email, signal)), signal)
    const partial = partialRejection(info)
    if (partial) {
      throw describeFailure(
        'recipients',
        {
          code: 'EENVELOPE',
          responseCode: partial.responseCode,
          rejected: partial.rejected,
          reason: `the alert went to ${partial.accepted.join(', ')} only`,
        },
        failureContext(),
      )
    }
  } catch (thrown) {
    if (isOwnError(thrown)) throw thrown
    if (outerSignal.aborted) {
      throw describeFailure(
        'aborted',
        { code: 'EABORT', reason: describeError(outerSignal.reason) },
        failureContext(),
        outerSignal.reason,
      )
    }
    if (deadline.signal.aborted) {
      throw describeFailure(
        'timeout',
        { code: 'ETIMEDOUT', reason: `not finished within timeoutMs (${options.timeoutMs} ms)` },
        failureContext(),
      )
    }
    throw fromTransportError(thrown, failureContext())
  } finally {
    clearTimeout(timer)
    prepared?.close()
  }
}

function toMail(options: ParsedEmailNotifierOptions, email: FormattedEmail, signal: AbortSignal): SendMailOptions {
  const { 'Message-ID': messageId, 'In-Reply-To': inReplyTo, References: references, ...headers } = email.headers
  return {
    from: options.from,
    to: options.to,
    cc: options.cc,
    bcc: options.bcc,
    replyTo: options.replyTo,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId,
    inReplyTo,
    references,
    headers: { ...options.headers, ...headers },
    signal,
  }
}

/** `instanceof` runs a Proxy's getPrototypeOf trap, which a custom transporter's error may throw from. */
function isOwnError(thrown: unknown): thrown is EmailNotifierError {
  try {
    return thrown instanceof EmailNotifierError
  } catch {
    return false
  }
}

/** The server took the message for some recipients and refused others: still a failed alert. */
function partialRejection(info: unknown) {
  if (typeof info !== 'object' || info === null) return null
  const { accepted, rejected, rejectedErrors } = info as Record<string, unknown>
  const addresses = (list: unknown) => (Array.isArray(list) ? list.map(String) : [])
  if (addresses(rejected).length === 0) return null
  const [firstError] = Array.isArray(rejectedErrors) ? rejectedErrors : []
  const responseCode = (firstError as { responseCode?: unknown } | undefined)?.responseCode
  return {
    accepted: addresses(accepted),
    rejected: addresses(rejected),
    responseCode: typeof responseCode === 'number' ? responseCode : null,
  }
}
