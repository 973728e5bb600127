import { OptionsError } from '@cronwarden/core'
import { createWebhookNotifier, pagerDutyDedupKey } from '@cronwarden/webhook-notifier'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { everyEvent, futureEvent } from '../../../test-support/sample-events.js'
import { type Reply, SECRET_PATH, startServer, type TestServer } from './http-server.js'
import { context, expectNoSecret, rejection } from './support.js'
import { discordMessageSchema, pagerDutyEventSchema, teamsMessageSchema } from './vendor-schemas.js'

const [failuresEvent, , recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent
// Every type, and one this version does not know (a newer sender's): each is delivered.
const deliverable = [...everyEvent, futureEvent]

const ROUTING_KEY = 'R0UT1NGKEYsecret0123456789abcdef' // 32 characters, as PagerDuty's are
const SECRET = 'secretTOKENabcdef0123456789'
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(replies: Reply[] = [], fallback?: Reply): Promise<TestServer> {
  server = await startServer(replies, fallback)
  return server
}

describe('each format, as the endpoint receives it', () => {
  it.each(deliverable)('posts a $type event as is with format json', async (event) => {
    const endpoint = await serve()
    await createWebhookNotifier({ url: endpoint.url() }).notify(event, context())
    expect(endpoint.requests).toHaveLength(1)
    expect(endpoint.requests[0]).toMatchObject({ method: 'POST', path: SECRET_PATH, body: event })
    expect(endpoint.requests[0]?.headers['content-type']).toBe('application/json')
    expect(endpoint.requests[0]?.headers['user-agent']).toBe('cronwarden-webhook-notifier')
  })

  it.each(deliverable)(
    'posts a $type event as a Discord message that follows the Execute Webhook rules',
    async (event) => {
      const endpoint = await serve()
      await createWebhookNotifier({ url: endpoint.url(), format: 'discord' }).notify(event, context())
      const body = discordMessageSchema.parse(endpoint.requests[0]?.body)
      expect(body.allowed_mentions).toEqual({ parse: [] })
      expect(body.embeds?.[0]?.title).toContain('assignment-reminders')
    },
  )

  it.each(deliverable)(
    'posts a $type event as a Teams Adaptive Card that follows the card reference',
    async (event) => {
      const endpoint = await serve([], { status: 202 })
      await createWebhookNotifier({ url: endpoint.url(), format: 'teams' }).notify(event, context())
      const body = teamsMessageSchema.parse(endpoint.requests[0]?.body)
      expect(body.attachments[0]?.content.body[0]).toMatchObject({ type: 'TextBlock', size: 'Large' })
    },
  )

  it.each(deliverable)('posts a $type event as a PagerDuty Events v2 event', async (event) => {
    const endpoint = await serve([], { status: 202, body: '{"status":"success"}' })
    await createWebhookNotifier({
      url: endpoint.url('/v2/enqueue'),
      format: 'pagerduty',
      routingKey: ROUTING_KEY,
    }).notify(event, context())
    const body = pagerDutyEventSchema.parse(endpoint.requests[0]?.body)
    expect(body.event_action).toBe(event.type === 'recovered' ? 'resolve' : 'trigger')
    expect(body.dedup_key).toBe(pagerDutyDedupKey(event))
  })

  it('names the notifier after its format unless told otherwise', () => {
    const url = 'https://example.org/hook'
    expect(createWebhookNotifier({ url }).name).toBe('webhook')
    expect(createWebhookNotifier({ url, format: () => ({ body: '' }) }).name).toBe('webhook')
    expect(createWebhookNotifier({ url, format: 'discord' }).name).toBe('discord')
    expect(createWebhookNotifier({ url, format: 'teams' }).name).toBe('teams')
    expect(createWebhookNotifier({ format: 'pagerduty', routingKey: ROUTING_KEY }).name).toBe('pagerduty')
    expect(createWebhookNotifier({ url, format: 'discord', name: 'ops-discord' }).name).toBe('ops-discord')
  })
})

describe('PagerDuty incidents', () => {
  const INCIDENT_KEY = 'cronwarden/assignment-reminders/2026-11-27T03:00:00.000Z'

  /** An Events API endpoint that accepts every event; `notifier()` makes one more notifier posting to it. */
  async function pagerDutyEndpoint() {
    const endpoint = await serve([], { status: 202, body: '{"status":"success"}' })
    return {
      endpoint,
      notifier: () =>
        createWebhookNotifier({ url: endpoint.url('/v2/enqueue'), format: 'pagerduty', routingKey: ROUTING_KEY }),
      bodies: () => endpoint.requests.map((request) => pagerDutyEventSchema.parse(request.body)),
    }
  }

  it('triggers and resolves one incident with one dedup_key, and a redelivered trigger reuses it', async () => {
    const { notifier, bodies } = await pagerDutyEndpoint()
    const pagerDuty = notifier()
    await pagerDuty.notify(failuresEvent, context())
    // At least once: the same event again, e.g. after a lost acknowledgement, from another process.
    await notifier().notify(structuredClone(failuresEvent), context())
    // The same streak, stored by another store that writes times with an offset.
    await pagerDuty.notify({ ...recoveredEvent, down_since: '2026-11-27T03:00:00+00:00' }, context())
    expect(bodies().map((body) => body.event_action)).toEqual(['trigger', 'trigger', 'resolve'])
    expect(new Set(bodies().map((body) => body.dedup_key))).toEqual(new Set([INCIDENT_KEY]))
    expect(bodies().every((body) => body.routing_key === ROUTING_KEY)).toBe(true)
  })

  it('adds a still_failing reminder to the open incident: a trigger with its dedup_key, between alert and resolve', async () => {
    const { endpoint, notifier, bodies } = await pagerDutyEndpoint()
    const pagerDuty = notifier()
    await pagerDuty.notify(failuresEvent, context())
    // Another store may write the incident's time with an offset; the key must not change.
    await pagerDuty.notify({ ...stillFailingEvent, down_since: '2026-11-27T04:00:00+01:00' }, context())
    await pagerDuty.notify(recoveredEvent, context())
    expect(bodies().map((body) => [body.event_action, body.dedup_key])).toEqual([
      ['trigger', INCIDENT_KEY],
      ['trigger', INCIDENT_KEY],
      ['resolve', INCIDENT_KEY],
    ])
    expect(endpoint.requests[1]?.body).toMatchObject({ payload: { class: 'still_failing', severity: 'error' } })
  })

  it('opens a new incident for a new streak', async () => {
    expect(pagerDutyDedupKey({ ...failuresEvent, down_since: '2026-12-01T03:00:00.000Z' })).not.toBe(
      pagerDutyDedupKey(failuresEvent),
    )
    expect(pagerDutyDedupKey(missedRunEvent)).toBe('cronwarden/assignment-reminders/2026-11-30T03:00:00.000Z')
  })

  it('posts to the Events API v2 endpoint when no url is given', () => {
    // Only the default is checked here: no test sends to PagerDuty itself.
    expect(() => createWebhookNotifier({ format: 'pagerduty', routingKey: () => ROUTING_KEY })).not.toThrow()
  })
})

describe('delivery', () => {
  it('sends the headers option, resolved at each send, over the defaults whatever their case', async () => {
    const endpoint = await serve()
    let token = 'first-token'
    const notifier = createWebhookNotifier({
      url: endpoint.url(),
      headers: async () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/vnd.alert+json' }),
    })
    await notifier.notify(failuresEvent, context())
    token = 'rotated-token'
    await notifier.notify(failuresEvent, context())
    expect(endpoint.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer first-token',
      'Bearer rotated-token',
    ])
    expect(endpoint.requests[0]?.headers['content-type']).toBe('application/vnd.alert+json')
  })

  it('resolves the url at each send, so a rotated secret is used without a restart', async () => {
    const endpoint = await serve()
    let path = '/hooks/one'
    const notifier = createWebhookNotifier({ url: async () => endpoint.url(path) })
    await notifier.notify(failuresEvent, context())
    path = '/hooks/two'
    await notifier.notify(failuresEvent, context())
    expect(endpoint.requests.map((request) => request.path)).toEqual(['/hooks/one', '/hooks/two'])
  })

  it('waits for Retry-After once after a 429, then succeeds', async () => {
    const endpoint = await serve([{ status: 429, headers: { 'retry-after': '1' } }])
    const started = performance.now()
    await createWebhookNotifier({ url: endpoint.url(), format: 'discord', timeoutMs: 4_000 }).notify(
      failuresEvent,
      context(),
    )
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(endpoint.requests).toHaveLength(2)
    expect(endpoint.requests[1]?.body).toEqual(endpoint.requests[0]?.body)
  })

  it('fails at once when Retry-After does not fit in the time left', async () => {
    const endpoint = await serve([{ status: 429, headers: { 'retry-after': '30' } }])
    const started = performance.now()
    const error = await rejection(
      createWebhookNotifier({ url: endpoint.url(), format: 'discord', timeoutMs: 2_000 }).notify(
        failuresEvent,
        context(),
      ),
    )
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, attempts: 1 })
    expect(error.message).toMatch(
      /^Discord rate-limited the alert \(HTTP 429\) and asked to wait 30000 ms, more than the \d+ ms left$/,
    )
    expect(endpoint.requests).toHaveLength(1)
  })

  it('gives up after a second 429', async () => {
    const limited: Reply = { status: 429, headers: { 'retry-after': '0' } }
    const endpoint = await serve([limited, limited])
    const error = await rejection(createWebhookNotifier({ url: endpoint.url() }).notify(failuresEvent, context()))
    expect(error).toMatchObject({ code: 'rate_limited', attempts: 2 })
    expect(error.message).toBe('The webhook rate-limited the alert (HTTP 429) a second time')
    expect(endpoint.requests).toHaveLength(2)
  })

  it('retries a 5xx answer and succeeds', async () => {
    const endpoint = await serve([{ status: 502, body: 'bad gateway' }, { status: 500 }])
    await createWebhookNotifier({ url: endpoint.url(), retryDelayMs: 5 }).notify(failuresEvent, context())
    expect(endpoint.requests).toHaveLength(3)
  })

  it("honours a 503's Retry-After", async () => {
    const endpoint = await serve([{ status: 503, headers: { 'retry-after': '1' } }])
    const started = performance.now()
    await createWebhookNotifier({ url: endpoint.url(), retryDelayMs: 1 }).notify(failuresEvent, context())
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(endpoint.requests).toHaveLength(2)
  })

  it('stops retrying 5xx answers after maxRetries, with the status and the answer', async () => {
    const failing: Reply = { status: 500, body: '{"error":"internal"}\n' }
    const endpoint = await serve([failing, failing, failing, failing])
    const error = await rejection(
      createWebhookNotifier({ url: endpoint.url(), retryDelayMs: 5, maxRetries: 2 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'http_error', status: 500, responseBody: '{"error":"internal"}', attempts: 3 })
    expect(error.message).toBe('The webhook rejected the alert with HTTP 500: {"error":"internal"}')
    expect(endpoint.requests).toHaveLength(3)
  })

  it.each([400, 401, 403, 404, 408, 410, 413])('fails at once on HTTP %i, never retrying it', async (status) => {
    const endpoint = await serve([{ status, body: 'no such webhook' }])
    const error = await rejection(
      createWebhookNotifier({ url: endpoint.url(), format: 'teams', retryDelayMs: 1 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'http_error', status, responseBody: 'no such webhook', attempts: 1 })
    expect(error.message).toBe(`Microsoft Teams rejected the alert with HTTP ${status}: no such webhook`)
    expect(endpoint.requests).toHaveLength(1)
  })

  it('shows at most 300 characters of a long answer, on one line', async () => {
    const endpoint = await serve([{ status: 400, body: `<html>\n${'x'.repeat(5_000)}</html>` }])
    const error = await rejection(createWebhookNotifier({ url: endpoint.url() }).notify(failuresEvent, context()))
    expect(error.responseBody?.length).toBeLessThanOrEqual(300)
    expect(error.responseBody).toMatch(/^<html> x+ \[truncated \d+ characters\]$/)
  })

  it('ends within timeoutMs when the server never answers', async () => {
    const endpoint = await serve(['hang', 'hang', 'hang'])
    const started = performance.now()
    const error = await rejection(
      createWebhookNotifier({
        url: endpoint.url(),
        format: 'pagerduty',
        routingKey: ROUTING_KEY,
        timeoutMs: 300,
      }).notify(failuresEvent, context()),
    )
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(error).toMatchObject({ code: 'timeout', attempts: 1 })
    expect(error.message).toBe('The send to PagerDuty did not finish within 300 ms (timeoutMs, 1 attempt)')
    expectNoSecret(error, SECRET, ROUTING_KEY)
  })

  it('ends within timeoutMs when a resolver never settles', async () => {
    const error = await rejection(
      createWebhookNotifier({ url: () => new Promise<string>(() => {}), timeoutMs: 100 }).notify(
        failuresEvent,
        context(),
      ),
    )
    expect(error).toMatchObject({ code: 'timeout', attempts: 0 })
  })

  it('stops an in-flight request when the caller aborts', async () => {
    const endpoint = await serve(['hang'])
    const controller = new AbortController()
    const sending = createWebhookNotifier({ url: endpoint.url() }).notify(failuresEvent, { signal: controller.signal })
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1))
    controller.abort(new Error('notifyTimeoutMs passed'))
    const error = await rejection(sending)
    expect(error).toMatchObject({ code: 'aborted', attempts: 1 })
    expect(error.message).toBe('Sending to the webhook was aborted: notifyTimeoutMs passed')
  })

  it('stops waiting for Retry-After when the caller aborts', async () => {
    const endpoint = await serve([{ status: 429, headers: { 'retry-after': '3' } }])
    const controller = new AbortController()
    const sending = createWebhookNotifier({ url: endpoint.url(), timeoutMs: 10_000 }).notify(failuresEvent, {
      signal: controller.signal,
    })
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1))
    const started = performance.now()
    controller.abort(new Error('stop'))
    const error = await rejection(sending)
    expect(performance.now() - started).toBeLessThan(500)
    expect(error).toMatchObject({ code: 'aborted', attempts: 1 })
    expect(endpoint.requests).toHaveLength(1)
  })

  it('sends nothing when the signal is already aborted', async () => {
    const endpoint = await serve()
    const error = await rejection(
      createWebhookNotifier({ url: endpoint.url() }).notify(failuresEvent, {
        signal: AbortSignal.abort(new Error('late')),
      }),
    )
    expect(error).toMatchObject({ code: 'aborted', attempts: 0 })
    expect(endpoint.requests).toHaveLength(0)
  })

  it('retries a refused connection, then fails with a network error that hides the URL', async () => {
    const endpoint = await serve()
    const url = endpoint.url()
    await endpoint.close()
    const error = await rejection(
      createWebhookNotifier({ url, retryDelayMs: 5, maxRetries: 1 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'network_error', status: null, attempts: 2 })
    expect(error.message).toMatch(/^Could not reach the webhook: fetch failed \(ECONNREFUSED\) \(2 attempts\)$/)
    expect(error.cause).toBeInstanceOf(Error)
    expectNoSecret(error, SECRET, url)
  })

  it('does not follow a redirect: the alert and its headers go only to the URL given', async () => {
    const endpoint = await serve([{ status: 307, headers: { location: '/elsewhere' } }])
    const error = await rejection(
      createWebhookNotifier({ url: endpoint.url(), headers: { authorization: 'Bearer abc' }, maxRetries: 0 }).notify(
        failuresEvent,
        context(),
      ),
    )
    expect(error).toMatchObject({ code: 'network_error', attempts: 1 })
    expect(error.message).toMatch(/redirect/)
    expect(endpoint.requests.map((request) => request.path)).toEqual([SECRET_PATH])
  })
})

describe('secrets', () => {
  it('redacts the URL, its token, the header values and the routing key from an answer that echoes them', async () => {
    const echo = await serve()
    echo.queue.push({
      status: 400,
      body: `bad request to ${echo.url()} (token ${SECRET}, key ${ROUTING_KEY}, auth Bearer sk-live-0123456789)`,
    })
    const error = await rejection(
      createWebhookNotifier({
        url: echo.url(),
        format: 'pagerduty',
        routingKey: ROUTING_KEY,
        headers: { authorization: 'Bearer sk-live-0123456789' },
      }).notify(failuresEvent, context()),
    )
    expect(error.responseBody).toBe('bad request to [webhook URL] (token [redacted], key [redacted], auth [redacted])')
    expectNoSecret(error, SECRET, ROUTING_KEY, 'sk-live-0123456789', echo.url())
  })

  it('never shows a secret in an option error', () => {
    const secretUrl = `ftp://hooks.example.org${SECRET_PATH}`
    const attempts = [
      () => createWebhookNotifier({ url: secretUrl }),
      () => createWebhookNotifier({ url: `https://user:${SECRET}@example.org/hook` }),
      () => createWebhookNotifier({ url: 'https://example.org/hook', headers: { 'x-key': `${SECRET}\r\nx-evil: 1` } }),
      () => createWebhookNotifier({ url: 'https://example.org/hook', headers: { 'x-key': 42 as unknown as string } }),
      () => createWebhookNotifier({ format: 'pagerduty', routingKey: 42 as unknown as string }),
    ]
    for (const attempt of attempts) {
      const error = (() => {
        try {
          attempt()
        } catch (thrown) {
          return thrown
        }
        return expect.fail('expected an OptionsError')
      })()
      expect(error).toBeInstanceOf(OptionsError)
      expectNoSecret(error, SECRET)
    }
  })
})
