import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SlackMessage } from '@cronwarden/slack-notifier'
import { z } from 'zod'

export interface SlackSink {
  /** The stand-in incoming-webhook URL: `http://127.0.0.1:PORT/services/T000/B000/local`. */
  url: string
  /** Every message posted, in arrival order. */
  readonly messages: readonly SlackMessage[]
  /** While down, every post is answered 503 (as Slack does in an outage) and not recorded. */
  setDown(down: boolean): void
  close(): Promise<void>
}

// The Block Kit subset the Slack notifier posts: a message outside it is refused as Slack
// refuses malformed blocks, so what is recorded is what the preview can show.
const mrkdwn = z.object({ type: z.literal('mrkdwn'), text: z.string() })
const slackMessageSchema = z.object({
  text: z.string(),
  blocks: z.array(
    z.discriminatedUnion('type', [
      z.object({
        type: z.literal('header'),
        text: z.object({ type: z.literal('plain_text'), text: z.string(), emoji: z.boolean().optional() }),
      }),
      z.object({ type: z.literal('section'), text: mrkdwn.optional(), fields: z.array(mrkdwn).optional() }),
      z.object({ type: z.literal('context'), elements: z.array(mrkdwn) }),
    ]),
  ),
}) satisfies z.ZodType<SlackMessage>

/**
 * A stand-in for a Slack incoming webhook on 127.0.0.1, so the embedded example shows what an
 * ops channel would get without any Slack workspace. It answers like Slack does: 200 with
 * the body `ok`, 400 `invalid_blocks` for a payload it cannot show.
 */
export async function startSlackSink(): Promise<SlackSink> {
  const messages: SlackMessage[] = []
  let down = false
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (down) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('service_unavailable')
        return
      }
      const message = slackMessageSchema.safeParse(parseJson(Buffer.concat(chunks).toString('utf8')))
      if (!message.success) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks')
        return
      }
      messages.push(message.data)
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
