import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: unknown
}

/** How the server answers one request: a status and body, or no answer at all. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang'

export interface SlackServer {
  /** A webhook URL on this server; the path looks like Slack's secret part. */
  url: (path?: string) => string
  requests: ReceivedRequest[]
  close: () => Promise<void>
}

/**
 * A real HTTP server on 127.0.0.1 standing in for Slack's webhook endpoint. Replies are used
 * in order; once they run out, every request gets Slack's `200 ok`.
 */
export async function startSlackServer(replies: Reply[] = []): Promise<SlackServer> {
  const requests: ReceivedRequest[] = []
  const queue = [...replies]
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: parse(raw),
      })
      const reply = queue.shift() ?? { status: 200, body: 'ok' }
      if (reply === 'hang') return
      answer(response, reply)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path = '/services/T000/B000/secretTOKEN123') => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function answer(response: ServerResponse, reply: Exclude<Reply, 'hang'>) {
  response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers })
  response.end(reply.body ?? '')
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}
