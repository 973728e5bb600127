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

export interface TestServerOptions {
  /** The answers, used in order. */
  replies?: Reply[]
  /** The answer once `replies` run out. Default: a 204 with no body. */
  fallback?: Reply
  /** The path `url()` gives when called without one. */
  defaultPath: string
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a channel's endpoint (Slack, Discord,
 * Teams, PagerDuty, any webhook): it records every request and answers from a queue.
 */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const { replies = [], fallback = { status: 204 }, defaultPath } = options
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
    url: (path = defaultPath) => `http://127.0.0.1:${port}${path}`,
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
