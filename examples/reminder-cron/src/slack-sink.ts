import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SlackSink {
  /** The stand-in incoming-webhook URL: `http://127.0.0.1:PORT/services/T000/B000/local`. */
  url: string
  /** Every message posted, parsed, in arrival order. */
  readonly messages: readonly Record<string, unknown>[]
  /** While down, every post is answered 503 (as Slack does in an outage) and not recorded. */
  setDown(down: boolean): void
  close(): Promise<void>
}

/**
 * A stand-in for a Slack incoming webhook on 127.0.0.1, so the embedded example shows the
 * exact Block Kit payload an ops channel would get without any Slack workspace. It answers
 * like Slack does: 200 with the body `ok`.
 */
export async function startSlackSink(onMessage?: (message: Record<string, unknown>) => void): Promise<SlackSink> {
  const messages: Record<string, unknown>[] = []
  let down = false
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (down) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('service_unavailable')
        return
      }
      try {
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
        messages.push(message)
        onMessage?.(message)
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
      } catch {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/local`,
    messages,
    setDown(value) {
      down = value
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}
