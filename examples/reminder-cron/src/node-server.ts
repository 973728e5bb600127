import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FetchHandler } from '../supabase/functions/_shared/http-response.ts'

export interface NodeServer {
  /** `http://127.0.0.1:PORT` */
  url: string
  close(): Promise<void>
}

/** Admin bodies are a date and a reason; anything larger is refused before it is read. */
const MAX_BODY_BYTES = 16 * 1024

/** Serves a fetch-style handler on node:http; a handler that throws answers 500. */
export async function serveNode(handler: FetchHandler, { port = 0, host = '127.0.0.1' } = {}): Promise<NodeServer> {
  const server = createServer(async (incoming, outgoing) => {
    let response: Response
    try {
      const body = await readBody(incoming)
      response =
        body === null
          ? new Response(JSON.stringify({ error: 'body too large' }), { status: 413 })
          : await handler(toRequest(incoming, host, body))
    } catch {
      response = new Response(JSON.stringify({ error: 'internal error' }), { status: 500 })
    }
    outgoing.writeHead(response.status, Object.fromEntries(response.headers))
    outgoing.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}

async function readBody(incoming: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function toRequest(incoming: IncomingMessage, host: string, body: Buffer): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item)
  }
  const method = incoming.method ?? 'GET'
  return new Request(`http://${incoming.headers.host ?? host}${incoming.url ?? '/'}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? null : body,
  })
}
