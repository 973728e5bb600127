import { createServer, type Server, type Socket } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerAddress } from 'smtp-server'

export interface SinkOptions {
  /** Require SMTP AUTH with these credentials. */
  auth?: { user: string; pass: string }
  /** Recipients refused with 550 at RCPT TO. */
  rejectRecipients?: readonly string[]
}

export interface ReceivedMail {
  from: string | null
  recipients: string[]
  parsed: ParsedMail
}

export interface SmtpSink {
  port: number
  /** `smtp://127.0.0.1:<port>`, with credentials when given. */
  url(credentials?: { user: string; pass: string }): string
  received: ReceivedMail[]
  /** Every address given in MAIL FROM or RCPT TO, also in sessions that sent no message. */
  envelopeAddresses: string[]
  close(): Promise<void>
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, port 0. STARTTLS is off: its
 * built-in certificate is expired and these tests are about the SMTP conversation, not TLS.
 */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = []
  const envelopeAddresses: string[] = []
  const rejected = new Set(options.rejectRecipients ?? [])
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) {
        callback(null, { user: auth.username })
      } else {
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }))
      }
    },
    onMailFrom(address, _session, callback) {
      envelopeAddresses.push(address.address)
      callback()
    },
    onRcptTo(address, _session, callback) {
      envelopeAddresses.push(address.address)
      if (rejected.has(address.address)) {
        callback(Object.assign(new Error(`Mailbox ${address.address} does not exist`), { responseCode: 550 }))
      } else {
        callback()
      }
    },
    onData(stream, session, callback) {
      // The reply (250) goes out only after parsing, so a resolved send means the mail is here.
      simpleParser(stream).then(
        (parsed) => {
          const from = session.envelope.mailFrom
          received.push({
            from: from ? from.address : null,
            recipients: session.envelope.rcptTo.map((recipient: SMTPServerAddress) => recipient.address),
            parsed,
          })
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  const port = await listen(server.server)
  return {
    port,
    url: (credentials) =>
      credentials
        ? `smtp://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@127.0.0.1:${port}`
        : `smtp://127.0.0.1:${port}`,
    received,
    envelopeAddresses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export interface SilentServer {
  port: number
  /** Resolves with each socket as it connects. */
  nextConnection(): Promise<Socket>
  close(): Promise<void>
}

/** Accepts TCP connections and never says a word: the server that hangs a naive client. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>()
  const waiting: Array<(socket: Socket) => void> = []
  const arrived: Socket[] = []
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const waiter = waiting.shift()
    if (waiter) waiter(socket)
    else arrived.push(socket)
  })
  const port = await listen(server)
  return {
    port,
    nextConnection: () => {
      const socket = arrived.shift()
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve))
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address && typeof address === 'object') resolve(address.port)
      else reject(new Error('the server has no port'))
    })
  })
}
