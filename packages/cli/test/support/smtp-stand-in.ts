import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface SmtpStandIn {
  port: number
  /** Every message the server accepted, parsed. */
  received: ParsedMail[]
  /** AUTH attempts the server saw (user names only). */
  authAttempts: string[]
  close(): Promise<void>
}

/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1. With `rejectAuth` it offers AUTH and
 * refuses every login with 535, as a provider does for a wrong password; without it, it
 * accepts mail with or without a login. STARTTLS is off: its built-in certificate is
 * expired, and the tests are about the conversation, not TLS.
 */
export async function startSmtpStandIn(options: { rejectAuth?: boolean } = {}): Promise<SmtpStandIn> {
  const received: ParsedMail[] = []
  const authAttempts: string[] = []
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      authAttempts.push(auth.username ?? '')
      if (options.rejectAuth) {
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }))
      } else {
        callback(null, { user: auth.username })
      }
    },
    onData(stream, _session, callback) {
      // The 250 goes out only after parsing, so a resolved send means the mail is here.
      simpleParser(stream).then(
        (parsed) => {
          received.push(parsed)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    received,
    authAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
