import { type Reply, startTestServer, type TestServer } from '../../../test-support/http-server.js'

export type { Reply } from '../../../test-support/http-server.js'
export type SlackServer = TestServer

/**
 * A real HTTP server on 127.0.0.1 standing in for Slack's webhook endpoint. Replies are used
 * in order; once they run out, every request gets Slack's `200 ok`. The default webhook path
 * looks like Slack's secret part.
 */
export function startSlackServer(replies: Reply[] = []): Promise<SlackServer> {
  return startTestServer({
    replies,
    fallback: { status: 200, body: 'ok' },
    defaultPath: '/services/T000/B000/secretTOKEN123',
  })
}
