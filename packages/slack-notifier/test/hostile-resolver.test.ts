import { inspect } from 'node:util'
import { hostileValues } from '@cronwarden/core/testing'
import { createSlackNotifier, SlackNotifierError, type WebhookUrlSource } from '@cronwarden/slack-notifier'
import { afterEach, expect, it } from 'vitest'
import { leakyResolvers } from '../../../test-support/leaky-resolvers.js'
import { failuresEvent } from '../../../test-support/sample-events.js'
import { type SlackServer, startSlackServer } from './slack-server.js'

const SECRET = 's3cr3t'
const SECRET_URL = `https://hooks.slack.com/services/T0/B0/${SECRET}`
let server: SlackServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** The error a send with this resolver rejects with; anything but a SlackNotifierError fails. */
async function failureWith(resolver: () => unknown): Promise<SlackNotifierError> {
  const notifier = createSlackNotifier({ webhookUrl: resolver as WebhookUrlSource })
  const error = await notifier.notify(failuresEvent, { signal: new AbortController().signal }).then(
    () => expect.fail('expected the send to fail'),
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(SlackNotifierError)
  const failure = error as SlackNotifierError
  expect(failure.code).toBe('webhook_url')
  for (const text of [inspect(failure, { depth: 10, showHidden: true }), JSON.stringify(failure), String(failure)]) {
    expect(text).not.toContain(SECRET)
  }
  return failure
}

it('turns each hostile value a resolver rejects with into a webhook_url error, sending nothing', async () => {
  server = await startSlackServer()
  for (const value of hostileValues()) {
    const error = await failureWith(() => Promise.reject(value))
    expect(error.message).toMatch(/^Could not resolve the Slack webhook URL: ./)
  }
  expect(server.requests).toHaveLength(0)
})

it('turns each hostile value a resolver resolves to into a webhook_url error, sending nothing', async () => {
  server = await startSlackServer()
  for (const value of hostileValues()) {
    const error = await failureWith(async () => value)
    // A Proxy's throwing `then` trap makes the resolver's promise reject instead.
    expect(error.message).toMatch(/^(The webhookUrl function resolved to |Could not resolve the Slack webhook URL: )/)
  }
  expect(server.requests).toHaveLength(0)
})

it.each(leakyResolvers(SECRET_URL))(
  'fails with code webhook_url, quoting no URL, when the resolver %s',
  async (_case, resolver) => {
    await failureWith(resolver)
  },
)

it('names the kind of value the resolver resolved to, without quoting it', async () => {
  const messages = []
  for (const value of [undefined, null, 42, Symbol(SECRET), `${SECRET_URL}\u0000`.slice(8)]) {
    messages.push((await failureWith(async () => value)).message)
  }
  expect(messages).toEqual([
    'The webhookUrl function resolved to undefined, not a URL',
    'The webhookUrl function resolved to null, not a URL',
    'The webhookUrl function resolved to a number, not a URL',
    'The webhookUrl function resolved to a symbol, not a URL',
    'The webhookUrl function resolved to a string that is not an http(s) URL (value not shown)',
  ])
})
