import { createMemoryStore, OptionsError, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import { describe, expect, it } from 'vitest'
import { sweepAlerts } from './alert-sweeper.ts'
import { createReminderCron, JOB_NAME } from './compose.ts'
import type { Db } from './db.ts'
import type { Monitoring } from './monitoring.ts'

// A database that is down makes every reminder run fail before it sends anything.
const downDb: Db = {
  query: async () => {
    throw new Error('database unreachable')
  },
  exec: async () => {
    throw new Error('database unreachable')
  },
}

/** The memory store on a clock the test moves, and a Slack stand-in that can be down. */
function setup() {
  let now = new Date('2026-01-15T06:00:00Z')
  let slackDown = true
  const slack = createRecordingNotifier({
    name: 'slack',
    behaviour: () => {
      if (slackDown) throw new Error('slack answered 503')
    },
  })
  const monitoring: Monitoring = { store: createMemoryStore({ now: () => now }), notifiers: [slack] }
  return {
    monitoring,
    slack,
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
    slackUp() {
      slackDown = false
      slack.clear()
    },
  }
}

const sweep = (monitoring: Monitoring, jobName?: string) =>
  sweepAlerts(monitoring, { logger: silentLogger, ...(jobName ? { jobName } : {}) })

describe('sweepAlerts', () => {
  it("delivers the reminder job's alert that Slack refused once its retry is due, and nothing on the next sweep", async () => {
    const { monitoring, slack, advance, slackUp } = setup()
    const run = createReminderCron({
      db: downDb,
      sender: { send: async () => {} },
      ...monitoring,
      retryDelayMs: 120_000,
      logger: silentLogger,
    })
    await expect(run()).rejects.toThrow('database unreachable')
    await expect(run()).rejects.toThrow('database unreachable')
    slackUp()

    // Not due until the job's retryDelayMs has passed (cronwarden's default would be 30 s).
    expect(await sweep(monitoring)).toEqual([])
    advance(60_000)
    expect(await sweep(monitoring)).toEqual([])
    advance(60_000)
    const sent = await sweep(monitoring)
    expect(sent).toEqual([expect.objectContaining({ type: 'consecutive_failures', job_name: JOB_NAME })])
    expect(slack.events).toEqual(sent)
    expect(await sweep(monitoring)).toEqual([])
    expect(slack.events).toHaveLength(1)
    const [alert] = await monitoring.store.listAlerts({ jobName: JOB_NAME })
    expect(alert).toMatchObject({ status: 'delivered', event_type: 'consecutive_failures' })
    expect(alert?.notifiers).toEqual([expect.objectContaining({ notifier: 'slack', status: 'delivered', attempts: 2 })])
  })

  it("leaves other jobs' alerts to their own dispatchers, and sweeps a renamed job when told its name", async () => {
    const { monitoring, slack, advance, slackUp } = setup()
    const jobName = 'nightly-export'
    const run = withFailureAlerting(
      async () => {
        throw new Error('export failed')
      },
      { jobName, ...monitoring, retryDelayMs: 1_000, logger: silentLogger },
    )
    await expect(run()).rejects.toThrow('export failed')
    await expect(run()).rejects.toThrow('export failed')
    slackUp()
    advance(60_000)

    expect(await sweep(monitoring)).toEqual([])
    expect(slack.events).toEqual([])
    expect((await monitoring.store.listAlerts({ jobName }))[0]?.status).toBe('pending')
    expect(await sweep(monitoring, jobName)).toEqual([expect.objectContaining({ job_name: jobName })])
    expect(slack.events).toHaveLength(1)
  })

  it('rejects a misspelled option, naming it', async () => {
    const { monitoring } = setup()
    const sweeping = sweepAlerts(monitoring, { jobname: 'x' } as never)
    await expect(sweeping).rejects.toThrow(OptionsError)
    await expect(sweeping).rejects.toThrow(/jobname: unknown option/)
  })
})
