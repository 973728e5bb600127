import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { OptionsError } from '@cronwarden/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpReminderSender, ReminderSendError } from '../supabase/functions/_shared/http-reminder-sender.ts'
import type { Reminder } from '../supabase/functions/_shared/reminder-sender.ts'

const reminder: Reminder = {
  idempotencyKey: '8b9a3c5e-0d1f-4e2a-9b7c-6d5e4f3a2b1c',
  assignmentId: 7,
  mentorId: 3,
  mentorName: 'Mentor A',
  mentorEmail: 'mentor-a@example.org',
  lastContactDate: new Date('2026-01-01T10:00:00.000Z'),
  dueAt: new Date('2026-01-15T10:00:00.000Z'),
  attempt: 1,
}
const signal = new AbortController().signal

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('createHttpReminderSender', () => {
  it('POSTs the reminder as JSON with its idempotency key and the configured headers', async () => {
    const requests: Array<{ method?: string; url?: string; headers: Record<string, unknown>; body: string }> = []
    const base = await listen(async (request, response) => {
      let body = ''
      for await (const chunk of request) body += chunk
      requests.push({ method: request.method, url: request.url, headers: request.headers, body })
      response.writeHead(202).end()
    })
    const sender = createHttpReminderSender({
      url: `${base}/v1/push?channel=mentors`,
      headers: { authorization: 'Bearer t' },
    })
    await sender.send(reminder, { signal })
    await sender.close()

    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/v1/push?channel=mentors')
    expect(request?.headers).toMatchObject({
      'idempotency-key': reminder.idempotencyKey,
      'content-type': 'application/json',
      authorization: 'Bearer t',
    })
    expect(JSON.parse(request?.body ?? '')).toEqual({
      type: 'assignment_follow_up',
      assignment_id: 7,
      mentor_id: 3,
      mentor_name: 'Mentor A',
      mentor_email: 'mentor-a@example.org',
      last_contact_date: '2026-01-01T10:00:00.000Z',
      due_at: '2026-01-15T10:00:00.000Z',
      attempt: 1,
    })
  })

  it('rejects with the status, and without the URL, when the service answers non-2xx', async () => {
    const base = await listen((_request, response) => response.writeHead(503).end('down'))
    const sender = createHttpReminderSender({ url: `${base}/hooks/secret-token-123` })
    const error = await sender.send(reminder, { signal }).catch((caught: unknown) => caught)
    await sender.close()

    expect(error).toBeInstanceOf(ReminderSendError)
    expect(error).toMatchObject({ status: 503, message: 'reminder service answered 503' })
    expect(String((error as Error).message)).not.toContain('secret-token-123')
  })

  it('rejects once timeoutMs passes without an answer', async () => {
    const base = await listen(() => {
      // Never answers.
    })
    const sender = createHttpReminderSender({ url: `${base}/push`, timeoutMs: 200 })
    const started = Date.now()
    await expect(sender.send(reminder, { signal })).rejects.toThrow(
      'reminder service unreachable: no answer within 200 ms',
    )
    // Only proves it did not hang: the timeout, not a wall-clock figure, is what is tested.
    expect(Date.now() - started).toBeLessThan(30_000)
    await sender.close()
  })

  it('rejects without the URL when nothing listens', async () => {
    const base = await listen(() => {})
    await new Promise((resolve) => server?.close(resolve))
    server = undefined
    const sender = createHttpReminderSender({ url: `${base}/hooks/secret-token-123` })
    const error = (await sender.send(reminder, { signal }).catch((caught: unknown) => caught)) as Error
    await sender.close()
    expect(error.message).toBe('reminder service unreachable: ECONNREFUSED')
  })

  it('keeps at most `connections` requests in flight', async () => {
    let inFlight = 0
    let peak = 0
    const base = await listen((_request, response) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      setTimeout(() => {
        inFlight--
        response.writeHead(202).end()
      }, 20)
    })
    const sender = createHttpReminderSender({ url: `${base}/push`, connections: 3 })
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        sender.send({ ...reminder, idempotencyKey: `key-${index}` }, { signal }),
      ),
    )
    await sender.close()
    expect(peak).toBe(3)
  })

  it('rejects an unknown option, naming it', () => {
    expect(() => createHttpReminderSender({ url: 'http://127.0.0.1:1/push', timeout: 5 } as never)).toThrow(
      OptionsError,
    )
    expect(() => createHttpReminderSender({ url: 'http://127.0.0.1:1/push', timeout: 5 } as never)).toThrow(
      /timeout: unknown option \(did you mean "timeoutMs"\?\)/,
    )
  })
})
