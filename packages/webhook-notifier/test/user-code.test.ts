import { hostileValues } from '@cronwarden/core/testing'
import {
  createWebhookNotifier,
  type Resolvable,
  type WebhookFormatFunction,
  type WebhookRequest,
} from '@cronwarden/webhook-notifier'
import { afterEach, describe, expect, it } from 'vitest'
import { leakyResolvers } from '../../../test-support/leaky-resolvers.js'
import { failuresEvent } from '../../../test-support/sample-events.js'
import { startServer, type TestServer } from './http-server.js'
import { context, expectNoSecret, rejection } from './support.js'

const SECRET = 's3cr3tVALUE'
const SECRET_URL = `https://hooks.example.org/services/${SECRET}`
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('a format function', () => {
  it('posts the JSON body it returns, with its headers over the defaults', async () => {
    server = await startServer()
    const format: WebhookFormatFunction = async (event) => ({
      body: { text: `${event.job_name}: ${event.type}`, level: 'error' },
      headers: { 'x-source': 'cronwarden', 'Content-Type': 'application/vnd.ops+json' },
    })
    await createWebhookNotifier({ url: server.url('/ops'), format, headers: { 'x-source': 'option' } }).notify(
      failuresEvent,
      context(),
    )
    expect(server.requests[0]).toMatchObject({
      path: '/ops',
      body: { text: 'assignment-reminders: consecutive_failures', level: 'error' },
    })
    expect(server.requests[0]?.headers).toMatchObject({
      'x-source': 'cronwarden',
      'content-type': 'application/vnd.ops+json',
    })
  })

  it('posts a string body as is, as text unless its headers say otherwise', async () => {
    server = await startServer()
    await createWebhookNotifier({ url: server.url(), format: (event) => ({ body: `alert=${event.job_name}` }) }).notify(
      failuresEvent,
      context(),
    )
    expect(server.requests[0]?.raw).toBe('alert=assignment-reminders')
    expect(server.requests[0]?.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  it.each<[string, (url: string) => unknown, RegExp]>([
    ['throws', () => JSON.parse('{'), /^The format function threw: /],
    ['returns undefined', () => undefined, /^The format function returned undefined, not \{ body, headers \}$/],
    ['returns no body', () => ({}), /^The format function returned no body$/],
    [
      'returns a BigInt body',
      () => ({ body: { count: 1n } }),
      /^The format function returned a body that is not JSON: /,
    ],
    ['returns a cyclic body', () => ({ body: cyclic() }), /^The format function returned a body that is not JSON: /],
    [
      'returns a function as body',
      () => ({ body: () => 1 }),
      /^The format function returned a body that is not JSON \(a function\)$/,
    ],
    [
      'returns a header with a line break',
      () => ({ body: '', headers: { 'x-key': `${SECRET}\r\nx-evil: 1` } }),
      /^The format function returned headers that cannot be sent: the value of "x-key" has a line break/,
    ],
    [
      'rejects with an error quoting the URL',
      (url) => Promise.reject(new Error(`cannot post to ${url}`)),
      /^The format function threw: cannot post to \[webhook URL\]$/,
    ],
  ])('fails with code format, sending nothing, when it %s', async (_case, format, message) => {
    server = await startServer()
    const url = server.url(`/services/${SECRET}`)
    const error = await rejection(
      createWebhookNotifier({ url, format: () => format(url) as WebhookRequest }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'format', attempts: 0 })
    expect(error.message).toMatch(message)
    expectNoSecret(error, SECRET)
    expect(server.requests).toHaveLength(0)
  })

  it('turns each hostile value it throws or returns into a format error', async () => {
    server = await startServer()
    for (const value of hostileValues()) {
      for (const format of [
        () => Promise.reject(value),
        () => value,
        () => ({ body: value }),
        () => ({ body: '', headers: value }),
      ]) {
        const sent = createWebhookNotifier({ url: server.url(), format: format as WebhookFormatFunction }).notify(
          failuresEvent,
          context(),
        )
        const outcome = await sent.then(
          () => 'sent',
          (error: unknown) => error,
        )
        // A hostile value can still be a valid body (a long string, null), then it is sent.
        if (outcome !== 'sent') expect(outcome).toMatchObject({ name: 'WebhookNotifierError', code: 'format' })
      }
    }
  })

  it('ends within timeoutMs when it never settles', async () => {
    const error = await rejection(
      createWebhookNotifier({ url: 'http://127.0.0.1:9/', format: () => new Promise(() => {}), timeoutMs: 100 }).notify(
        failuresEvent,
        context(),
      ),
    )
    expect(error).toMatchObject({ code: 'timeout', attempts: 0 })
  })
})

/** The error a send with these resolvers rejects with, with the code given. */
async function resolverFailure(code: 'url' | 'headers' | 'routing_key', resolver: () => unknown): Promise<string> {
  const source = resolver as Resolvable<never>
  const notifier =
    code === 'url'
      ? createWebhookNotifier({ url: source })
      : code === 'headers'
        ? createWebhookNotifier({ url: server?.url() ?? '', headers: source })
        : createWebhookNotifier({ url: server?.url() ?? '', format: 'pagerduty', routingKey: source })
  const error = await rejection(notifier.notify(failuresEvent, context()))
  expect(error.code).toBe(code)
  expectNoSecret(error, SECRET)
  return error.message
}

describe('resolvers', () => {
  it.each(['url', 'headers', 'routing_key'] as const)(
    'turn each hostile value a %s resolver rejects with or resolves to into an error of that code, sending nothing',
    async (code) => {
      server = await startServer()
      const option = { url: 'url', headers: 'headers', routing_key: 'routingKey' }[code]
      for (const value of hostileValues()) {
        const rejected = await resolverFailure(code, () => Promise.reject(value))
        expect(rejected).toMatch(new RegExp(`^Could not resolve ${option}: .`))
        // A long string is a valid routing key, and a string is no header record nor URL.
        if (code === 'routing_key' && typeof value === 'string') continue
        const resolved = await resolverFailure(code, async () => value)
        expect(resolved).toMatch(new RegExp(`^(The ${option} function resolved to |Could not resolve ${option}: )`))
      }
      expect(server.requests).toHaveLength(0)
    },
  )

  it.each([
    ...leakyResolvers(SECRET_URL),
    ['resolves to a URL with credentials', async () => `https://user:${SECRET}@example.org/`],
  ])('a url resolver that %s fails with code url, quoting no URL', async (_case, resolver) => {
    await resolverFailure('url', resolver)
  })

  it('names the kind of value a resolver resolved to, without quoting it', async () => {
    server = await startServer()
    const messages = []
    for (const value of [undefined, 42, Symbol(SECRET), `ftp://x/${SECRET}`]) {
      messages.push(await resolverFailure('url', async () => value))
    }
    messages.push(await resolverFailure('headers', async () => ({ 'x-key': 42 })))
    messages.push(await resolverFailure('headers', async () => ({ 'bad name': SECRET })))
    messages.push(await resolverFailure('routing_key', async () => '  '))
    expect(messages).toEqual([
      'The url function resolved to undefined, not a URL',
      'The url function resolved to a number, not a URL',
      'The url function resolved to a symbol, not a URL',
      'The url function resolved to a string that is not an http(s) URL without credentials',
      'The headers function resolved to the value of "x-key" is a number, not a string',
      'The headers function resolved to "bad name" is not a valid header name',
      'The routingKey function resolved to an empty string',
    ])
  })
})

function cyclic(): unknown {
  const value: Record<string, unknown> = {}
  value.self = value
  return value
}
