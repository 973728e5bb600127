import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type AlertEvent, alertEventSchema } from '@cronwarden/core'

/** A request the server is holding without an answer, as a channel that hangs would. */
export interface HeldRequest {
  event: AlertEvent
  /** Cuts the connection without answering: the request is not accepted. */
  drop(): void
}

/** What the server does with one of the next requests instead of accepting it. */
type Script =
  | { kind: 'status'; status: number }
  | { kind: 'close' }
  | { kind: 'hold'; onHeld: (held: HeldRequest) => void }

/**
 * A local HTTP endpoint standing in for an alert channel. It accepts (200) a POSTed alert
 * event and keeps it, unless told to answer an error status, cut the connection or hang for
 * the next requests. Only accepted events count as delivered.
 */
export interface WebhookServer {
  url: string
  /** Events answered with 200, in arrival order. */
  readonly accepted: AlertEvent[]
  /** Every request that reached the server, accepted or not. */
  received(): number
  /** The next `count` requests are answered with `status` (503: the channel is down). */
  failNext(count: number, status?: number): void
  /** Every request is answered with `status` until `recover()`. */
  goDown(status?: number): void
  recover(): void
  /** The next request's connection is closed without an answer. */
  closeNext(): void
  /** The next request is held unanswered; resolves when it has arrived. */
  holdNext(): Promise<HeldRequest>
  close(): Promise<void>
}

export interface WebhookServerOptions {
  /** Wait this long before accepting, so concurrent senders really overlap. */
  acceptDelayMs?: number
}

export async function startWebhookServer(options: WebhookServerOptions = {}): Promise<WebhookServer> {
  const accepted: AlertEvent[] = []
  const scripts: Script[] = []
  let received = 0
  let downStatus: number | null = null

  const answer = (response: ServerResponse, status: number, body: string) => {
    // A fresh connection per request: no client ever reuses a socket this server has closed.
    response.writeHead(status, { 'content-type': 'text/plain', connection: 'close' })
    response.end(body)
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    received += 1
    const parsed = alertEventSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')))
    if (!parsed.success) return answer(response, 400, 'not an alert event')
    const script = scripts.shift()
    if (script?.kind === 'close') return request.socket.destroy()
    if (script?.kind === 'hold') return script.onHeld({ event: parsed.data, drop: () => request.socket.destroy() })
    const status = script?.kind === 'status' ? script.status : downStatus
    if (status !== null) return answer(response, status, 'channel unavailable')
    if (options.acceptDelayMs) await new Promise((resolve) => setTimeout(resolve, options.acceptDelayMs))
    accepted.push(parsed.data)
    answer(response, 200, 'ok')
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    accepted,
    received: () => received,
    failNext(count, status = 503) {
      for (let index = 0; index < count; index++) scripts.push({ kind: 'status', status })
    },
    goDown(status = 503) {
      downStatus = status
    },
    recover() {
      downStatus = null
    },
    closeNext() {
      scripts.push({ kind: 'close' })
    },
    holdNext() {
      return new Promise((resolve) => scripts.push({ kind: 'hold', onHeld: resolve }))
    },
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
