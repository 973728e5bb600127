import type { SendMailOptions } from 'nodemailer'
import { createTransport } from 'nodemailer'
import { parseConnectionUrl } from 'nodemailer/lib/shared'
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport'

/** nodemailer's SMTP transport options (`host`, `port`, `secure`, `auth`, `tls`, ...). */
export type SmtpTransportOptions = SMTPTransportOptions

/** Anything with nodemailer's `sendMail`: a transporter you built yourself (pooled, SES, ...). */
export interface MailTransporter {
  /**
   * Sends one message. A rejection fails the delivery with an `EmailNotifierError`; of the
   * resolved value only `rejected` and `rejectedErrors` are read (a partial refusal fails it
   * too). The mail's `signal` is aborted at the deadline, and the notifier stops waiting then
   * even if the transporter ignores it.
   */
  sendMail(mail: SendMailOptions): Promise<unknown>
}

/** Called before each send, so a rotated secret (a Vault entry, say) is picked up without a restart. */
export type TransportResolver = () => string | SmtpTransportOptions | Promise<string | SmtpTransportOptions>

/** An SMTP URL, SMTP transport options, a transporter, or a function resolving to a URL or options. */
export type EmailTransport = string | SmtpTransportOptions | MailTransporter | TransportResolver

/** A transporter ready for one send, with what an error message may say about it. */
export interface PreparedTransport {
  transporter: MailTransporter
  /** Ends connections this package opened; a transporter the caller built is left alone. */
  close(): void
  /** `host:port`; never the URL, which may carry credentials. Null for a caller's transporter. */
  server: string | null
  /** Values to scrub from error messages. */
  secrets: string[]
}

const SMTP_PROTOCOLS = new Set(['smtp:', 'smtps:'])

/**
 * Why a value cannot be used as an SMTP URL, or null. No part of the value is ever quoted, not
 * even its scheme: in `hunter2:x` what comes before the colon is the password.
 */
export function smtpUrlProblem(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'expected an SMTP URL such as smtps://user:password@smtp.example.org:465 (the value is not a URL)'
  }
  if (!SMTP_PROTOCOLS.has(url.protocol)) {
    return 'expected an smtp:// or smtps:// URL (the value is not shown: it may hold a password)'
  }
  if (!url.hostname) return 'the SMTP URL names no host'
  return null
}

export function isMailTransporter(value: unknown): value is MailTransporter {
  return typeof value === 'object' && value !== null && typeof (value as MailTransporter).sendMail === 'function'
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const EXPECTED_TRANSPORT =
  'expected an SMTP URL (smtp:// or smtps://), SMTP transport options, a nodemailer transporter, or a function returning a URL or options'

/** Why a value is not a usable transport, or null. Total: a value whose reads throw is a problem too. */
export function transportProblem(value: unknown): string | null {
  try {
    if (typeof value === 'string') return smtpUrlProblem(value)
    if (typeof value === 'function' || isMailTransporter(value)) return null
    if (isPlainObject(value)) return typeof value.url === 'string' ? smtpUrlProblem(value.url) : null
    return EXPECTED_TRANSPORT
  } catch {
    // A Proxy whose traps throw, a getter that throws: nothing to build a transport from.
    return `${EXPECTED_TRANSPORT} (the value cannot be read)`
  }
}

/**
 * Shares of the remaining budget for the transport's own timers. They fire before the
 * notifier's overall deadline, so the error names the stage that hung; the deadline still
 * catches a server that keeps answering, slowly, forever. Setup (DNS, connect, greeting, TLS)
 * ends before socket inactivity would, so a silent server is reported as "no greeting" and
 * not as a generic socket timeout.
 */
const SETUP_SHARE = 0.75
const SOCKET_SHARE = 0.9

/**
 * Builds this send's transporter. An SMTP URL or options get a fresh transporter whose
 * timeouts fit in `remainingMs`; a shorter timeout the caller configured is kept.
 */
export function prepareTransport(source: string | SmtpTransportOptions | MailTransporter, remainingMs: number) {
  if (isMailTransporter(source)) {
    return { transporter: source, close: () => {}, server: null, secrets: [] } satisfies PreparedTransport
  }
  const options: SmtpTransportOptions =
    typeof source === 'string'
      ? { ...(parseConnectionUrl(source) as SmtpTransportOptions), url: source }
      : expandUrl(source)
  const { url, ...smtpOptions } = options
  const setupMs = share(remainingMs, SETUP_SHARE)
  const bounded: SmtpTransportOptions = {
    ...smtpOptions,
    connectionTimeout: within(smtpOptions.connectionTimeout, setupMs),
    greetingTimeout: within(smtpOptions.greetingTimeout, setupMs),
    dnsTimeout: within(smtpOptions.dnsTimeout, setupMs),
    socketTimeout: within(smtpOptions.socketTimeout, share(remainingMs, SOCKET_SHARE)),
  }
  const transporter = createTransport(bounded)
  return {
    transporter,
    close: () => transporter.close(),
    server: serverLabel(bounded),
    secrets: secretsOf(smtpOptions, url),
  } satisfies PreparedTransport
}

/** Options may carry a `url` next to other keys (nodemailer's own shape): the keys win. */
function expandUrl(options: SmtpTransportOptions): SmtpTransportOptions {
  if (typeof options.url !== 'string') return options
  return { ...(parseConnectionUrl(options.url) as SmtpTransportOptions), ...options }
}

function share(remainingMs: number, fraction: number): number {
  return Math.max(1, Math.floor(remainingMs * fraction))
}

function within(configured: number | undefined, limit: number): number {
  return typeof configured === 'number' && configured > 0 ? Math.min(configured, limit) : limit
}

function serverLabel(options: SmtpTransportOptions): string | null {
  const host = options.host ?? options.service
  if (!host) return null
  // nodemailer's own default ports, so the label names the port actually tried.
  const port = options.port ?? (options.secure ? 465 : 587)
  return `${host}:${port}`
}

function secretsOf(options: SmtpTransportOptions, url: string | undefined): string[] {
  const auth = options.auth ?? {}
  const values: unknown[] = [
    url,
    auth.user,
    auth.pass,
    auth.accessToken,
    auth.refreshToken,
    auth.clientSecret,
    auth.privateKey,
  ]
  return values.filter((value): value is string => typeof value === 'string' && value.length > 0)
}
