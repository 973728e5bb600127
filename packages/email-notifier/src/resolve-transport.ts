import { describeError, redactError, redactUrls } from '@cronwarden/core/plugin'
import { describeFailure, type FailureContext } from './smtp-failure.js'
import {
  type EmailTransport,
  isMailTransporter,
  isPlainObject,
  type MailTransporter,
  type SmtpTransportOptions,
  smtpUrlProblem,
  transportProblem,
} from './transport.js'

/**
 * The transport for one send. A resolver is user code reading a secret (a Vault entry): what
 * it throws may quote its input (an SMTP URL with the password), and what it returns may be
 * anything, a Proxy whose traps throw included. Either way the send fails at the
 * `resolve-transport` stage with a message that quotes no URL and no returned value.
 */
export async function resolveTransport(
  transport: EmailTransport,
  failureContext: () => FailureContext,
): Promise<string | SmtpTransportOptions | MailTransporter> {
  if (typeof transport !== 'function') return transport
  let resolved: unknown
  try {
    resolved = await transport()
  } catch (cause) {
    // The secret is not known yet, so every URL in the error may be it.
    throw describeFailure(
      'resolve-transport',
      { code: null, reason: redactUrls(describeError(cause)) },
      failureContext(),
      redactError(cause, redactUrls),
    )
  }
  const usable = usableTransport(resolved)
  if ('problem' in usable) {
    throw describeFailure(
      'resolve-transport',
      { code: null, reason: `the transport function returned an unusable value: ${usable.problem}` },
      failureContext(),
    )
  }
  return usable.transport
}

const URL_OR_OPTIONS = 'expected an SMTP URL or SMTP options'

/**
 * A URL, or a copy of the options: their getters run once, here, so one that throws is a
 * resolver problem rather than a failure somewhere inside nodemailer.
 */
function usableTransport(resolved: unknown): { transport: string | SmtpTransportOptions } | { problem: string } {
  try {
    if (typeof resolved === 'string') {
      const problem = smtpUrlProblem(resolved)
      return problem === null ? { transport: resolved } : { problem }
    }
    // A transporter is a value for `transport` itself, not for a resolver to hand back.
    if (!isPlainObject(resolved) || isMailTransporter(resolved)) return { problem: URL_OR_OPTIONS }
    const options = { ...resolved } as SmtpTransportOptions
    const problem = transportProblem(options)
    return problem === null ? { transport: options } : { problem }
  } catch {
    return { problem: `${URL_OR_OPTIONS} (the value cannot be read)` }
  }
}
