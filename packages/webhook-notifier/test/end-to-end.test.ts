import { alertEventSchema, createMemoryStore, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createWebhookNotifier } from '@cronwarden/webhook-notifier'
import { afterEach, expect, it } from 'vitest'
import { alertAfterTwoFailures } from '../../../test-support/failing-streak.js'
import { startServer, type TestServer } from './http-server.js'
import { pagerDutyEventSchema } from './vendor-schemas.js'

let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

it('posts exactly one alert, the event as is, when a wrapped job fails twice in a row', async () => {
  server = await startServer()
  const notifier = createWebhookNotifier({ url: server.url() })
  const runs = await alertAfterTwoFailures(server, notifier, '<@123> @everyone')
  const event = alertEventSchema.parse(server.requests[0]?.body)
  const alerted = runs.find((run) => run.consecutive_failure_count === 2)
  expect(event).toMatchObject({
    type: 'consecutive_failures',
    job_name: 'assignment-reminders',
    run_id: alerted?.run_id,
    error_message: 'reminder batch 3 failed: <@123> @everyone',
    last_success_at: runs.find((run) => run.status === 'succeeded')?.finished_at,
    consecutive_failure_count: 2,
  })
  expect(alerted?.deliveries).toEqual([
    expect.objectContaining({ notifier: 'webhook', event_type: 'consecutive_failures', status: 'delivered' }),
  ])
})

it('opens one PagerDuty incident for a streak and resolves it when the job recovers', async () => {
  server = await startServer([], { status: 202, body: '{"status":"success","message":"Event processed"}' })
  let failing = true
  const job = withFailureAlerting(
    async () => {
      if (failing) throw new Error('smtp timeout')
    },
    {
      jobName: 'assignment-reminders',
      store: createMemoryStore(),
      notifiers: [
        createWebhookNotifier({
          url: server.url('/v2/enqueue'),
          format: 'pagerduty',
          routingKey: async () => 'R0UT1NGKEYsecret0123456789abcdef',
        }),
      ],
      notifyOnRecovery: true,
      logger: silentLogger,
    },
  )
  for (let run = 0; run < 3; run++) await expect(job()).rejects.toThrow('smtp timeout')
  failing = false
  await job()

  const bodies = server.requests.map((request) => pagerDutyEventSchema.parse(request.body))
  expect(bodies.map((body) => body.event_action)).toEqual(['trigger', 'resolve'])
  expect(bodies[1]?.dedup_key).toBe(bodies[0]?.dedup_key)
})
