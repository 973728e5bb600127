import { inspect } from 'node:util'
import { OptionsError } from '@cronwarden/core'
import { createSlackNotifier, SlackNotifierError } from '@cronwarden/slack-notifier'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { everyEvent, futureEvent } from '../../../test-support/sample-events.js'
import {
  failuresPayload,
  longRunningPayload,
  missedRunPayload,
  recoveredPayload,
  stillFailingPayload,
} from './expected-payloads.js'
import { type Reply, type SlackServer, startSlackServer } from './slack-server.js'

const [failuresEvent, longRunningEvent, recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent

const SECRET = 'secretTOKEN123'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
let server: SlackServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(replies: Reply[] = []): Promise<SlackServer> {
  server = await startSlackServer(replies)
  return server
}

const context = () => ({ signal: new AbortController().signal })

async function rejection(promise: Promise<unknown>): Promise<SlackNotifierError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the send to fail')
    },
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(SlackNotifierError)
  return error as SlackNotifierError
}

/** The URL must not be anywhere a person or a log could read it. */
function expectNoSecret(error: unknown, url: string) {
  for (const rendering of [inspect(error, { depth: 10 }), JSON.stringify(error), String(error)]) {
    expect(rendering).not.toContain(SECRET)
    expect(rendering).not.toContain(url)
  }
}

describe('createSlackNotifier', () => {
  it.each([
    ['consecutive_failures', failuresEvent, failuresPayload],
    ['long_running', longRunningEvent, longRunningPayload],
    ['recovered', recoveredEvent, recoveredPayload],
    ['missed_run', missedRunEvent, missedRunPayload],
    ['still_failing', stillFailingEvent, stillFailingPayload],
  ] as const)('posts the exact Block Kit JSON for a %s event', async (_type, event, payload) => {
    const slack = await serve()
    await createSlackNotifier({ webhookUrl: slack.url() }).notify(event, context())
    expect(slack.requests).toHaveLength(1)
    expect(slack.requests[0]).toMatchObject({ method: 'POST', path: '/services/T000/B000/secretTOKEN123' })
    expect(slack.requests[0]?.headers['content-type']).toBe('application/json')
    expect(slack.requests[0]?.body).toEqual(payload)
  })

  it('posts an event type it does not know, as a newer sender writes it, as its fields instead of failing', async () => {
    const slack = await serve()
    await createSlackNotifier({ webhookUrl: slack.url() }).notify(futureEvent, context())
    const body = slack.requests[0]?.body as typeof failuresPayload
    expect(body.text).toBe('⚪ assignment-reminders had a "quota_exceeded" event')
    expect(JSON.stringify(body.blocks)).toContain('*used*\\n`120`')
  })

  it('sends escaped text and a cut error, as Slack receives them', async () => {
    const slack = await serve()
    const error = `<!channel> & <@U123> ${'e'.repeat(4_000)}`
    await createSlackNotifier({ webhookUrl: slack.url() }).notify({ ...failuresEvent, error_message: error }, context())
    const body = slack.requests[0]?.body as typeof failuresPayload
    const errorText = body.blocks[1]?.text?.text ?? ''
    expect(errorText.startsWith('*Error*\n```&lt;!channel&gt; &amp; &lt;@U123&gt; eee')).toBe(true)
    expect(errorText).toMatch(/… \[1,\d{3} more characters cut\]```$/)
    expect(errorText.length).toBeLessThanOrEqual(3_000)
    expect(body.text).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;')
  })

  it('resolves when Slack answers 200 ok, with a default name of "slack"', async () => {
    const slack = await serve([{ status: 200, body: 'ok' }])
    const notifier = createSlackNotifier({ webhookUrl: slack.url() })
    expect(notifier.name).toBe('slack')
    await expect(notifier.notify(failuresEvent, context())).resolves.toBeUndefined()
  })

  it.each([
    [400, 'invalid_blocks', /HTTP 400: invalid_blocks \(Slack refused the message layout\)/],
    [403, 'action_prohibited', /HTTP 403: action_prohibited/],
    [404, 'no_service', /HTTP 404: no_service \(the webhook was removed/],
    [410, 'channel_is_archived', /HTTP 410: channel_is_archived \(the webhook's channel is archived\)/],
  ] as const)('fails at once on HTTP %i %s, with the status and Slack error', async (status, slackError, message) => {
    const slack = await serve([{ status, body: slackError }])
    const error = await rejection(
      createSlackNotifier({ webhookUrl: slack.url(), retryDelayMs: 1 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({
      name: 'SlackNotifierError',
      code: 'http_error',
      status,
      responseBody: slackError,
      attempts: 1,
    })
    // The deprecated 0.1.0 name still reads the same value.
    expect(error.slackError).toBe(slackError)
    expect(error.message).toMatch(message)
    expect(slack.requests).toHaveLength(1)
    expectNoSecret(error, slack.url())
  })

  it('waits for Retry-After once after a 429, then succeeds', async () => {
    const slack = await serve([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }])
    await createSlackNotifier({ webhookUrl: slack.url(), timeoutMs: 4_000 }).notify(failuresEvent, context())
    expect(slack.requests).toHaveLength(2)
    expect(slack.requests[1]?.body).toEqual(failuresPayload)
  })

  it('fails without waiting when Retry-After does not fit in the time left', async () => {
    const slack = await serve([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } }])
    const error = await rejection(
      createSlackNotifier({ webhookUrl: slack.url(), timeoutMs: 2_000 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, attempts: 1 })
    expect(error.message).toMatch(/asked to wait 30000 ms, more than the \d+ ms left/)
    expect(slack.requests).toHaveLength(1)
  })

  it('gives up after a second 429', async () => {
    const limited: Reply = { status: 429, body: 'rate_limited', headers: { 'retry-after': '0' } }
    const slack = await serve([limited, limited])
    const error = await rejection(createSlackNotifier({ webhookUrl: slack.url() }).notify(failuresEvent, context()))
    expect(error).toMatchObject({ code: 'rate_limited', attempts: 2 })
    expect(slack.requests).toHaveLength(2)
  })

  it('retries a 5xx answer and succeeds', async () => {
    const slack = await serve([{ status: 503, body: 'service_unavailable' }])
    await createSlackNotifier({ webhookUrl: slack.url(), retryDelayMs: 5 }).notify(failuresEvent, context())
    expect(slack.requests).toHaveLength(2)
  })

  it('stops retrying 5xx answers after maxRetries', async () => {
    const failing: Reply = { status: 500, body: 'internal_error' }
    const slack = await serve([failing, failing, failing, failing])
    const error = await rejection(
      createSlackNotifier({ webhookUrl: slack.url(), retryDelayMs: 5, maxRetries: 2 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'http_error', status: 500, responseBody: 'internal_error', attempts: 3 })
    expect(slack.requests).toHaveLength(3)
  })

  it('retries a refused connection, then fails with a network error that hides the URL', async () => {
    const slack = await serve()
    const url = slack.url()
    await slack.close()
    const error = await rejection(
      createSlackNotifier({ webhookUrl: url, retryDelayMs: 5, maxRetries: 1 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'network_error', status: null, attempts: 2 })
    expect(error.message).toMatch(/^Could not reach Slack: .*ECONNREFUSED/)
    expect(error.cause).toBeInstanceOf(Error)
    expectNoSecret(error, url)
  })

  it('does not follow a redirect: the alert goes only to the webhook URL', async () => {
    const slack = await serve([{ status: 302, headers: { location: '/elsewhere' } }])
    const error = await rejection(
      createSlackNotifier({ webhookUrl: slack.url(), maxRetries: 0 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'network_error', attempts: 1 })
    expect(error.message).toMatch(/redirect/)
    expect(slack.requests.map((request) => request.path)).toEqual(['/services/T000/B000/secretTOKEN123'])
  })

  it('hides the URL when fetch refuses it in its own error (credentials in the URL)', async () => {
    const slack = await serve()
    const url = slack.url().replace('http://', 'http://user:pa55@')
    const error = await rejection(
      createSlackNotifier({ webhookUrl: url, maxRetries: 0 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'network_error' })
    expect(error.message).toContain('[webhook URL]')
    expectNoSecret(error, url)
    expect(inspect(error, { depth: 10 })).not.toContain('pa55')
  })

  it('ends at timeoutMs when the server never answers', async () => {
    const slack = await serve(['hang', 'hang', 'hang'])
    const error = await rejection(
      createSlackNotifier({ webhookUrl: slack.url(), timeoutMs: 200 }).notify(failuresEvent, context()),
    )
    expect(error).toMatchObject({ code: 'timeout' })
    expect(error.message).toMatch(/did not answer within 200 ms/)
    expectNoSecret(error, slack.url())
  })

  it('stops an in-flight request when the caller aborts', async () => {
    const slack = await serve(['hang'])
    const controller = new AbortController()
    const sending = createSlackNotifier({ webhookUrl: slack.url() }).notify(failuresEvent, {
      signal: controller.signal,
    })
    await vi.waitFor(() => expect(slack.requests).toHaveLength(1))
    controller.abort(new Error('notifyTimeoutMs passed'))
    const error = await rejection(sending)
    expect(error).toMatchObject({ code: 'aborted', attempts: 1 })
    expect(error.message).toBe('Sending to Slack was aborted: notifyTimeoutMs passed')
  })

  it('stops waiting for Retry-After when the caller aborts', async () => {
    const slack = await serve([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } }])
    const controller = new AbortController()
    const sending = createSlackNotifier({ webhookUrl: slack.url(), timeoutMs: 10_000 }).notify(failuresEvent, {
      signal: controller.signal,
    })
    await vi.waitFor(() => expect(slack.requests).toHaveLength(1))
    controller.abort(new Error('stop'))
    await expect(sending).rejects.toMatchObject({ code: 'aborted' })
    expect(slack.requests).toHaveLength(1)
  })

  it('resolves the webhook URL at each send', async () => {
    const slack = await serve()
    const paths = ['/services/T1/B1/first', '/services/T1/B1/rotated']
    const resolver = vi.fn(async () => slack.url(paths[resolver.mock.calls.length - 1]))
    const notifier = createSlackNotifier({ webhookUrl: resolver })
    expect(resolver).not.toHaveBeenCalled()
    await notifier.notify(failuresEvent, context())
    await notifier.notify(recoveredEvent, context())
    expect(resolver).toHaveBeenCalledTimes(2)
    expect(slack.requests.map((request) => request.path)).toEqual(paths)
  })

  it('fails clearly, without a request, when the URL resolver throws', async () => {
    const slack = await serve()
    const notifier = createSlackNotifier({
      webhookUrl: async () => {
        throw new Error('Vault secret "ops_slack_webhook_url" does not exist')
      },
    })
    const error = await rejection(notifier.notify(failuresEvent, context()))
    expect(error).toMatchObject({ code: 'webhook_url' })
    expect(error.message).toBe(
      'Could not resolve the Slack webhook URL: Vault secret "ops_slack_webhook_url" does not exist',
    )
    expect(slack.requests).toHaveLength(0)
  })

  it('hides a URL that the failing resolver’s own error quotes, in the message and the cause', async () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/s3cr3t-token'
    const notifier = createSlackNotifier({
      webhookUrl: async () => {
        throw new Error(`vault read failed for ${secret}`, { cause: new Error(`GET ${secret}`) })
      },
    })
    const error = await rejection(notifier.notify(failuresEvent, context()))
    expect(error.message).toBe('Could not resolve the Slack webhook URL: vault read failed for [URL]')
    expect(inspect(error, { depth: 10 })).not.toContain('s3cr3t-token')
    expect(JSON.stringify(error)).not.toContain('s3cr3t-token')
  })

  it('ends at timeoutMs when the URL resolver never settles', async () => {
    const notifier = createSlackNotifier({ webhookUrl: () => new Promise<string>(() => {}), timeoutMs: 100 })
    const error = await rejection(notifier.notify(failuresEvent, context()))
    expect(error).toMatchObject({ code: 'timeout' })
    expect(error.message).toBe('The webhookUrl function did not settle within 100 ms (timeoutMs)')
  })

  it('sends nothing when the caller has already aborted', async () => {
    const slack = await serve()
    const controller = new AbortController()
    controller.abort(new Error('too late'))
    const error = await rejection(
      createSlackNotifier({ webhookUrl: slack.url() }).notify(failuresEvent, { signal: controller.signal }),
    )
    expect(error).toMatchObject({ code: 'aborted' })
    expect(slack.requests).toHaveLength(0)
  })

  it('does not show a resolved value that is not a URL', async () => {
    const notifier = createSlackNotifier({ webhookUrl: async () => `not a url ${SECRET}` })
    const error = await rejection(notifier.notify(failuresEvent, context()))
    expect(error).toMatchObject({ code: 'webhook_url' })
    expect(error.message).toMatch(/not an http\(s\) URL \(value not shown\)/)
    expectNoSecret(error, `not a url ${SECRET}`)
  })

  it('cuts a long error body between characters, never inside an emoji', async () => {
    const slack = await serve([{ status: 400, body: `${'x'.repeat(199)}${'🚀'.repeat(100)}` }])
    const error = await rejection(createSlackNotifier({ webhookUrl: slack.url() }).notify(failuresEvent, context()))
    expect(error.responseBody?.length).toBeLessThanOrEqual(200)
    for (const text of [error.responseBody, error.message]) expect(text).not.toMatch(LONE_SURROGATE)
  })

  it('redacts the URL when Slack echoes it URL-encoded', async () => {
    const reply = { status: 400, body: '' }
    const slack = await serve([reply])
    reply.body = `bad redirect_uri=${encodeURIComponent(slack.url())}`
    const error = await rejection(createSlackNotifier({ webhookUrl: slack.url() }).notify(failuresEvent, context()))
    expect(error.message).toBe('Slack rejected the alert with HTTP 400: bad redirect_uri=[webhook URL]')
    expectNoSecret(error, slack.url())
  })

  it('redacts the URL when Slack echoes it in an error body', async () => {
    const slack = await serve([{ status: 404, body: `no_service for /services/T000/B000/${SECRET}` }])
    const error = await rejection(createSlackNotifier({ webhookUrl: slack.url() }).notify(failuresEvent, context()))
    expect(error.message).toBe('Slack rejected the alert with HTTP 404: no_service for [webhook URL]')
    expectNoSecret(error, slack.url())
  })
})

describe('createSlackNotifier options', () => {
  it('rejects an unknown option by name, suggesting the right one', () => {
    expect(() => createSlackNotifier({ webhookUrl: 'https://hooks.slack.com/x', timeout: 5 } as never)).toThrow(
      /timeout: unknown option \(did you mean "timeoutMs"\?\)/,
    )
  })

  it('rejects a webhook URL that is not http(s) without repeating it', () => {
    const attempt = () => createSlackNotifier({ webhookUrl: `ftp://hooks.slack.com/services/${SECRET}` })
    expect(attempt).toThrow(OptionsError)
    expect(attempt).toThrow(/webhookUrl: expected an http\(s\) webhook URL/)
    try {
      attempt()
    } catch (error) {
      expectNoSecret(error, SECRET)
    }
  })

  it('rejects a timeout that is not a positive number of milliseconds', () => {
    expect(() => createSlackNotifier({ webhookUrl: 'https://hooks.slack.com/x', timeoutMs: 0 })).toThrow(/timeoutMs/)
  })
})
