import { type Reply, startTestServer, type TestServer } from '../../../test-support/http-server.js'

export type { Reply, TestServer } from '../../../test-support/http-server.js'

export const SECRET_PATH = '/api/webhooks/123456/secretTOKENabcdef0123456789'

/**
 * A real HTTP server on 127.0.0.1 standing in for Discord, Teams, PagerDuty or any endpoint.
 * Replies are used in order; once they run out, every request gets `fallback` (a 204 by
 * default, what Discord answers).
 */
export function startServer(replies: Reply[] = [], fallback: Reply = { status: 204 }): Promise<TestServer> {
  return startTestServer({ replies, fallback, defaultPath: SECRET_PATH })
}
