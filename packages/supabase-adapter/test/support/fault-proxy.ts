import { once } from 'node:events'
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net'

/**
 * A TCP proxy in front of PostgreSQL that reads the protocol messages going through it, so a
 * test can count what clients send and break the network in the ways a real one breaks:
 * lose the reply to one query after the server committed it, or stop forwarding altogether.
 */
export interface FaultProxy {
  /** The server URL rewritten to go through the proxy. */
  url: string
  /**
   * Messages of each type sent by clients since the last reset, after the startup. A client
   * waits for the server only after a simple Query ('Q'), a Sync ('S') or a Flush ('H'), so
   * those count the round trips a query costs.
   */
  counts(): Readonly<Record<string, number>>
  reset(): void
  /**
   * The next query (simple Query or Parse message) whose text contains `text` is forwarded,
   * its reply withheld up to the server's ReadyForQuery, then the client's connection is cut:
   * what a client sees when the network drops between a commit and its acknowledgement.
   * Resolves, once that happened, with the types of the messages withheld ('E' is an error).
   */
  dropReplyTo(text: string): Promise<{ withheld: string[] }>
  /**
   * From now on nothing passes either way, on open connections and new ones, and nothing is
   * closed: a network that silently drops every packet, where only a timeout ends a wait.
   */
  blackHole(): void
  close(): Promise<void>
}

/** Untyped messages a client may send before its startup message, by their request code. */
const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const QUERY = 'Q'
const PARSE = 'P'
const READY_FOR_QUERY = 'Z'

interface Fault {
  text: string
  done: (result: { withheld: string[] }) => void
}

export async function startFaultProxy(serverUrl: string): Promise<FaultProxy> {
  const target = new URL(serverUrl)
  const sockets = new Set<Socket>()
  const faults: Fault[] = []
  let counts: Record<string, number> = {}
  let blackHoled = false

  const server = createServer((client) => {
    const upstream = netConnect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    const cut = () => {
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) {
      socket.on('error', cut)
      socket.on('close', () => {
        sockets.delete(socket)
        cut()
      })
    }

    // The fault this connection is carrying out, and what it withheld so far.
    let dropping: { fault: Fault; withheld: string[] } | null = null
    // Answers to SSL/GSS requests are one untyped byte; the proxy expects none to be accepted.
    let untypedAnswers = 0

    let fromClient = Buffer.alloc(0)
    let started = false
    client.on('data', (chunk: Buffer) => {
      if (blackHoled) return
      fromClient = Buffer.concat([fromClient, chunk])
      for (;;) {
        if (!started) {
          if (fromClient.length < 8) break
          const length = fromClient.readInt32BE(0)
          if (fromClient.length < length) break
          const code = fromClient.readInt32BE(4)
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) untypedAnswers += 1
          else started = true
          fromClient = fromClient.subarray(length)
          continue
        }
        if (fromClient.length < 5) break
        const length = fromClient.readInt32BE(1)
        if (fromClient.length < 1 + length) break
        const type = String.fromCharCode(fromClient[0] ?? 0)
        counts[type] = (counts[type] ?? 0) + 1
        if ((type === QUERY || type === PARSE) && dropping === null) {
          const body = fromClient.subarray(5, 1 + length).toString('utf8')
          const index = faults.findIndex((fault) => body.includes(fault.text))
          const [fault] = index === -1 ? [] : faults.splice(index, 1)
          if (fault) dropping = { fault, withheld: [] }
        }
        fromClient = fromClient.subarray(1 + length)
      }
      // Parsed before forwarding, so the reply cannot arrive before the fault is armed.
      upstream.write(chunk)
    })

    let fromServer = Buffer.alloc(0)
    upstream.on('data', (chunk: Buffer) => {
      if (blackHoled) return
      fromServer = Buffer.concat([fromServer, chunk])
      for (;;) {
        if (untypedAnswers > 0) {
          if (fromServer.length < 1) return
          untypedAnswers -= 1
          client.write(fromServer.subarray(0, 1))
          fromServer = fromServer.subarray(1)
          continue
        }
        if (fromServer.length < 5) return
        const length = fromServer.readInt32BE(1)
        if (fromServer.length < 1 + length) return
        const message = fromServer.subarray(0, 1 + length)
        fromServer = fromServer.subarray(1 + length)
        if (!dropping) {
          client.write(message)
          continue
        }
        const type = String.fromCharCode(message[0] ?? 0)
        dropping.withheld.push(type)
        if (type === READY_FOR_QUERY) {
          // The server has finished the query (and its transaction): now lose the reply.
          const { fault, withheld } = dropping
          dropping = null
          cut()
          fault.done({ withheld })
          return
        }
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
    dropReplyTo: (text) => new Promise((done) => faults.push({ text, done })),
    blackHole: () => {
      blackHoled = true
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}
