import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedReminder {
  idempotencyKey: string
  body: Record<string, unknown>
}

export interface ReminderSink {
  /** `http://127.0.0.1:PORT/reminders` */
  url: string
  /** Deliveries per idempotency key: what a provider that dedupes by key would deliver once. */
  readonly byKey: ReadonlyMap<string, number>
  /** Every request accepted, in arrival order. */
  readonly received: readonly ReceivedReminder[]
  /** While down, every request is answered 503. */
  setDown(down: boolean): void
  close(): Promise<void>
}

export interface ReminderSinkOptions {
  /** Called with each request before it is answered; a test's hook to crash a run mid-send. */
  onReminder?: (reminder: ReceivedReminder) => void | Promise<void>
}

/**
 * A stand-in push service on 127.0.0.1: it accepts JSON reminders and counts them by their
 * `Idempotency-Key`. The example and the tests send to it over real HTTP.
 */
export async function startReminderSink(options: ReminderSinkOptions = {}): Promise<ReminderSink> {
  const byKey = new Map<string, number>()
  const received: ReceivedReminder[] = []
  let down = false

  const server = createServer(async (request, response) => {
    const text = await readText(request)
    if (down) {
      response.writeHead(503).end('service unavailable')
      return
    }
    const idempotencyKey = request.headers['idempotency-key']
    if (request.method !== 'POST' || typeof idempotencyKey !== 'string') {
      response.writeHead(400).end('expected a POST with an Idempotency-Key header')
      return
    }
    const reminder = { idempotencyKey, body: JSON.parse(text) as Record<string, unknown> }
    await options.onReminder?.(reminder)
    received.push(reminder)
    byKey.set(idempotencyKey, (byKey.get(idempotencyKey) ?? 0) + 1)
    response.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/reminders`,
    byKey,
    received,
    setDown(value) {
      down = value
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
