import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SlackRequest {
  path: string
  /** The posted JSON (Block Kit `{ text, blocks }`), or the raw text when it was not JSON. */
  body: unknown
}

/** What the stand-in answers: Slack's own answers are a status and a short text. */
export interface SlackReply {
  status: number
  body: string
}

export interface SlackStandIn {
  /** The webhook URL to configure; its path has a random token, like Slack's secret part. */
  webhookUrl: string
  /** The secret part of the URL (`/services/T…/B…/<token>`). */
  webhookPath: string
  token: string
  requests: SlackRequest[]
  /** The top-level `text` of each message posted, in order ('' for a body without one). */
  texts(): string[]
  close(): Promise<void>
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a Slack incoming webhook: it records each
 * request and answers every one with `reply` (default Slack's `200 ok`).
 */
export async function startSlackStandIn(reply: SlackReply = { status: 200, body: 'ok' }): Promise<SlackStandIn> {
  const requests: SlackRequest[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      requests.push({ path: request.url ?? '', body: parseJson(raw) })
      response.writeHead(reply.status, { 'content-type': 'text/plain' })
      response.end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const token = randomBytes(12).toString('hex')
  const webhookPath = `/services/T0CRONWARD/B0CRONWARD/${token}`
  return {
    webhookUrl: `http://127.0.0.1:${port}${webhookPath}`,
    webhookPath,
    token,
    requests,
    texts: () =>
      requests.map((request) => {
        const text = (request.body as { text?: unknown } | null)?.text
        return typeof text === 'string' ? text : ''
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}
