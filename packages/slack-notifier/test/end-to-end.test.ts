import { createSlackNotifier } from '@cronwarden/slack-notifier'
import { afterEach, expect, it } from 'vitest'
import { alertAfterTwoFailures } from '../../../test-support/failing-streak.js'
import { type SlackServer, startSlackServer } from './slack-server.js'

let server: SlackServer | undefined

afterEach(async () => {
  await server?.close()
})

it('sends exactly one Block Kit alert when a wrapped job fails twice in a row', async () => {
  server = await startSlackServer()
  const notifier = createSlackNotifier({ webhookUrl: server.url() })
  const runs = await alertAfterTwoFailures(server, notifier, '<!channel> smtp timeout')
  const success = runs.find((run) => run.status === 'succeeded')
  const alerted = runs.find((run) => run.consecutive_failure_count === 2)
  const lastSuccessAt = success?.finished_at ?? ''
  const seconds = Math.floor(Date.parse(lastSuccessAt) / 1000)
  const utc = `${lastSuccessAt.slice(0, 19).replace('T', ' ')} UTC`

  const body = server.requests[0]?.body
  expect(body).toMatchObject({
    text: '🔴 assignment-reminders failed 2 times in a row: reminder batch 3 failed: &lt;!channel&gt; smtp timeout',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: '🔴 assignment-reminders failed 2 times in a row' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Error*\n```reminder batch 3 failed: &lt;!channel&gt; smtp timeout```' },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Last successful run: <!date^${seconds}^{date_short_pretty} at {time_secs}|${utc}>`,
          },
        ],
      },
    ],
  })
  expect(JSON.stringify(body)).toContain(`*Run id*\\n\`${alerted?.run_id}\``)
  expect(alerted?.deliveries).toEqual([
    expect.objectContaining({ notifier: 'slack', event_type: 'consecutive_failures', status: 'delivered' }),
  ])
})
