/**
 * A retry for a call that failed on a connection the server had already ended
 * (pg_terminate_backend, a restart, a pooler failover), and only when the retry cannot make
 * anything happen twice. What each client does after its backend is terminated, as read in
 * their sources (postgres.js 3.4, node-postgres 8) and seen on PostgreSQL 15:
 *
 * - postgres.js reconnects by itself. A query written to the dying connection fails with
 *   `CONNECTION_CLOSED` or `ECONNRESET`; postgres.js then keeps the backend's FATAL error and
 *   hands it, at the new connection's first ReadyForQuery, to the query that was waiting for
 *   that connection, before sending it. So a 57P01/57P02/57P03 from postgres.js proves the
 *   statement was never sent. `CONNECTION_CLOSED` and `ECONNRESET` prove nothing: they are also
 *   what a client gets when the network drops the reply to a statement the server committed.
 * - A node-postgres Pool drops a client whose connection died while idle, but only once the
 *   error event has run: a query issued before that goes to the dead client and gets the
 *   backend's 57P01 as its answer. A FATAL rolls back the statement it interrupts, with one
 *   exception (a commit waiting for a synchronous standby commits locally first), so it does
 *   not prove the statement did nothing. 57P03 (the server is starting up or shutting down)
 *   comes only while connecting: nothing was sent.
 * - A node-postgres Client never reconnects: after its backend is gone, every call fails with
 *   "Client has encountered a connection error and is not queryable". Retrying is useless.
 *
 * Hence: a call whose error proves it was never sent is retried; a call whose connection was
 * lost after it may have been sent is retried only when its SQL takes effect once however
 * often it runs (`safeToRepeat`: begin_run per run id, a heartbeat, a listing).
 */

/** The client family behind a runner: their errors say different things. */
export type ClientFamily = 'postgres.js' | 'node-postgres'

// Admin shutdown (pg_terminate_backend), crash shutdown, cannot connect now.
const FATAL_CONNECTION_CODES = new Set(['57P01', '57P02', '57P03'])
const NOT_SENT_BY_NODE_POSTGRES = new Set(['57P03'])
const LOST_BY_POSTGRES_JS = new Set(['CONNECTION_CLOSED', 'ECONNRESET', 'EPIPE'])
const LOST_BY_NODE_POSTGRES = new Set(['57P01', '57P02', 'ECONNRESET', 'EPIPE'])

/**
 * The pause before the retry. postgres.js hangs a query issued between a socket's 'error'
 * and 'close' events (it goes to the dying connection and is never rejected), and a
 * node-postgres Pool retires its other dead clients only as their error events run; a few
 * milliseconds let both drivers retire the dead connections first.
 */
export const RETRY_PAUSE_MS = 25

/** Bounded, so a server that keeps refusing (57P03 while it starts) fails the call soon. */
export const MAX_ATTEMPTS = 3

export type Failure = 'not-sent' | 'connection-lost' | 'other'

/** What an error proves about the statement it answered. */
export function classifyFailure(family: ClientFamily, error: unknown): Failure {
  const code = readCode(error)
  if (family === 'postgres.js') {
    if (code !== undefined && FATAL_CONNECTION_CODES.has(code)) return 'not-sent'
    if (code !== undefined && LOST_BY_POSTGRES_JS.has(code)) return 'connection-lost'
    return 'other'
  }
  if (code !== undefined && NOT_SENT_BY_NODE_POSTGRES.has(code)) return 'not-sent'
  if (code !== undefined && LOST_BY_NODE_POSTGRES.has(code)) return 'connection-lost'
  // node-postgres's own error for a socket that closed under a query carries no code.
  if (readMessage(error) === 'Connection terminated unexpectedly') return 'connection-lost'
  return 'other'
}

/**
 * Runs `attempt`, and again after a dead connection when that cannot repeat an effect: at
 * most `MAX_ATTEMPTS` in all. More than one retry is for postgres.js: the retry may be handed
 * the stale FATAL error of another connection that died earlier (it comes before the
 * statement is sent, so it costs nothing), and a pool can hold several dead connections.
 */
export async function retryAfterDeadConnection<Result>(
  family: ClientFamily,
  safeToRepeat: boolean,
  attempt: () => Promise<Result>,
): Promise<Result> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      const failure = classifyFailure(family, error)
      const retry = failure === 'not-sent' || (failure === 'connection-lost' && safeToRepeat)
      if (!retry || tries === MAX_ATTEMPTS) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS))
  }
}

function readCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

function readMessage(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined
}
