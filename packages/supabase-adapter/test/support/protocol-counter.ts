import { once } from 'node:events'
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net'

/**
 * A TCP proxy in front of PostgreSQL that reads the messages clients send and counts them by
 * type. A client waits for the server only after a simple Query ('Q'), a Sync ('S') or a
 * Flush ('H'), so those count the round trips a query costs.
 */
export interface ProtocolCounter {
  /** The server URL rewritten to go through the proxy. */
  url: string
  /** Messages of each type sent by clients since the last reset, after the startup. */
  counts(): Readonly<Record<string, number>>
  reset(): void
  close(): Promise<void>
}

/** Untyped messages a client may send before its startup message, by their request code. */
const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104

export async function startProtocolCounter(serverUrl: string): Promise<ProtocolCounter> {
  const target = new URL(serverUrl)
  const sockets = new Set<Socket>()
  let counts: Record<string, number> = {}

  const server = createServer((client) => {
    const upstream = netConnect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
      socket.on('close', () => sockets.delete(socket))
    }

    let pending = Buffer.alloc(0)
    let started = false
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (!started) {
          if (pending.length < 8) return
          const length = pending.readInt32BE(0)
          if (pending.length < length) return
          const code = pending.readInt32BE(4)
          started = code !== SSL_REQUEST && code !== GSSENC_REQUEST
          pending = pending.subarray(length)
          continue
        }
        if (pending.length < 5) return
        const length = pending.readInt32BE(1)
        if (pending.length < 1 + length) return
        const type = String.fromCharCode(pending[0] ?? 0)
        counts[type] = (counts[type] ?? 0) + 1
        pending = pending.subarray(1 + length)
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')

  const url = new URL(serverUrl)
  url.hostname = '127.0.0.1'
  url.port = String((server.address() as AddressInfo).port)
  return {
    url: url.toString(),
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {}
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}
