import { domainToASCII } from 'node:url'
import { hasControlCharacters, schemaMatches } from '@cronwarden/core/plugin'
import addressparser from 'nodemailer/lib/addressparser'
import { z } from 'zod'
import { type EmailTransport, transportProblem } from './transport.js'

/**
 * Options of `createEmailNotifier`, checked once when the notifier is created: an unknown key
 * or a bad value is an `OptionsError` that never quotes the transport.
 */
export interface EmailNotifierOptions {
  /** Names the notifier in delivery records. Default `email`. */
  name?: string
  /**
   * An SMTP URL (`smtps://user:password@smtp.example.org:465`), nodemailer SMTP transport
   * options, a nodemailer transporter, or a function returning a URL or options (resolved
   * before each send, e.g. a Vault secret).
   */
  transport: EmailTransport
  /**
   * The sender, e.g. `cron alerts <alerts@example.org>`. Its domain names the Message-IDs.
   * Here and in every address and header option, control characters (CR, LF, NUL, ...) and
   * bidi controls are refused: a line break would rewrite the SMTP envelope or add a header.
   */
  from: string
  /** One address, a comma-separated list, or an array. */
  to: string | readonly string[]
  /** Copy recipients, in the same forms as `to`. Default: none. */
  cc?: string | readonly string[]
  /** Blind-copy recipients, in the same forms as `to`. Default: none. */
  bcc?: string | readonly string[]
  /** Where replies to an alert go: one address or a comma-separated list. Default: none. */
  replyTo?: string
  /** Put before every subject, e.g. `[cron]`, for inbox filters. At most 200 characters. */
  subjectPrefix?: string
  /**
   * The whole send, from resolving the transport to the server's last reply. Default 4000:
   * keep it below core's `notifyTimeoutMs` (default 5000), so the record names the SMTP
   * stage that hung rather than a bare timeout.
   */
  timeoutMs?: number
  /** Domain of the Message-IDs. Default: the domain of `from`. */
  messageIdDomain?: string
  /**
   * Extra headers, e.g. a provider's message stream or configuration set. Headers the notifier
   * sets (`Message-ID`, `X-Cronwarden-*`, ...) or that have their own option (`From`, `To`,
   * `Subject`, ...) are refused.
   */
  headers?: Record<string, string>
}

/**
 * The default `timeoutMs`, in milliseconds: below core's default `notifyTimeoutMs` (5000), so a
 * hung send is reported by its SMTP stage rather than by core's bare timeout.
 */
export const DEFAULT_TIMEOUT_MS = 4000
const MAX_TIMEOUT_MS = 600_000

/** Headers this package sets itself, or that have their own option. */
const RESERVED_HEADERS =
  /^(message-id|in-reply-to|references|from|to|cc|bcc|reply-to|subject|auto-submitted|x-cronwarden-.*)$/i
/** RFC 5322 field names: printable ASCII except the colon. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

function mailboxes(value: string): string[] {
  return addressparser(value, { flatten: true }).map((mailbox) => mailbox.address)
}

const isAddress = (address: string) => /^[^\s@]+@[^\s@]+$/.test(address)
const isAddressList = (value: string) => mailboxes(value).length > 0 && mailboxes(value).every(isAddress)

/** The ASCII domain of the sender's address, or null when it has none usable in a Message-ID. */
export function senderDomain(from: string): string | null {
  const [mailbox, ...others] = mailboxes(from)
  if (!mailbox || others.length > 0 || !isAddress(mailbox)) return null
  const domain = domainToASCII(mailbox.slice(mailbox.lastIndexOf('@') + 1))
  return HOSTNAME.test(domain) ? domain.toLowerCase() : null
}

const CONTROL_CHARACTERS = 'must not contain control characters (line breaks, NUL) or bidirectional controls'

/**
 * Text bound for a header or the SMTP envelope. A CR or LF would end the command or header
 * and start another (`\r\nRCPT TO:<...>` adds a recipient), NUL ends it early, and a bidi
 * control makes an address read differently from what it is. The value is never quoted.
 */
const headerSafe = z.string().refine((value) => !hasControlCharacters(value), { message: CONTROL_CHARACTERS })

/** Later checks skip a value `headerSafe` refused: they would only describe it worse. */
const ifHeaderSafe = {
  when: ({ value }: { value: unknown }) => typeof value === 'string' && !hasControlCharacters(value),
}

const addressList = headerSafe.refine(isAddressList, {
  ...ifHeaderSafe,
  message: 'expected email addresses such as "ops@example.org" or "Ops <ops@example.org>"',
})
// A readonly list in, so `to: [...] as const` type-checks; a mutable copy out, for nodemailer.
const recipients = z
  .union([addressList, z.array(addressList).min(1).readonly()])
  .transform((value) => (typeof value === 'string' ? value : [...value]))

const headers = z.record(z.string(), z.string()).superRefine((record, context) => {
  for (const [name, value] of Object.entries(record)) {
    if (!HEADER_NAME.test(name)) {
      context.addIssue({ code: 'custom', path: [name], message: 'not a valid header name' })
    } else if (RESERVED_HEADERS.test(name)) {
      context.addIssue({ code: 'custom', path: [name], message: 'is set by the notifier or by its own option' })
    }
    if (hasControlCharacters(value)) {
      context.addIssue({ code: 'custom', path: [name], message: CONTROL_CHARACTERS })
    }
  }
})

export const emailNotifierOptionsSchema = z.strictObject({
  name: z.string().min(1).default('email'),
  transport: z.custom<EmailTransport>((value) => transportProblem(value) === null, {
    error: (issue) => transportProblem(issue.input) ?? 'expected a transport',
  }),
  from: headerSafe.refine((value) => senderDomain(value) !== null, {
    ...ifHeaderSafe,
    message: 'expected one sender address such as "cron alerts <alerts@example.org>"',
  }),
  to: recipients,
  cc: recipients.optional(),
  bcc: recipients.optional(),
  replyTo: addressList.optional(),
  subjectPrefix: headerSafe.max(200).optional(),
  timeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS),
  messageIdDomain: z.string().regex(HOSTNAME, { message: 'expected a domain name such as "example.org"' }).optional(),
  headers: headers.optional(),
})
schemaMatches<typeof emailNotifierOptionsSchema, EmailNotifierOptions>(true)

export type ParsedEmailNotifierOptions = z.output<typeof emailNotifierOptionsSchema>
