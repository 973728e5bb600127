import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown
  raw: string
}

/** How the server answers one request: a status and body, or no answer at all. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang'

export interface TestServer {
  /** A URL on this server; the default path looks like a webhook's secret part. */
  url: (path?: string) => string
  requests: ReceivedRequest[]
  /** The replies not used yet; a test may add to it once it knows the server's URL. */
  queue: Reply[]
  close: () => Promise<void>
}

export const SECRET_PATH = '/api/webhooks/123456/secretTOKENabcdef0123456789'

/**
 * A real HTTP server on 127.0.0.1 standing in for Discord, Teams, PagerDuty or any endpoint.
 * Replies are used in order; once they run out, every request gets `fallback` (a 204 by
 * default, what Discord answers).
 */
export async function startServer(replies: Reply[] = [], fallback: Reply = { status: 204 }): Promise<TestServer> {
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
        raw,
      })
      const reply = queue.shift() ?? fallback
      if (reply === 'hang') return
      answer(response, reply)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path = SECRET_PATH) => `http://127.0.0.1:${port}${path}`,
    requests,
    queue,
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
