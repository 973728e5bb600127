import {
  createLogNotifier,
  createMemoryStore,
  type Logger,
  type RunRecord,
  withFailureAlerting,
} from '@cronwarden/core'

export const jobName = 'assignment-follow-up-reminders'

/**
 * Five daily runs of a reminder job whose push service is down for two of them: the second
 * failure alerts (once), the success resets the streak. Returns the execution log.
 */
export async function runScenario(alertLogger?: Logger): Promise<RunRecord[]> {
  const store = createMemoryStore()
  const serviceUp = [true, false, false, true, true]
  let day = 0

  const sendReminders = withFailureAlerting(
    async (ctx) => {
      const up = serviceUp[day++]
      if (!up) throw new Error('push service answered 503 Service Unavailable')
      ctx.setSummary({ due: 12, sent: 12, failed: 0 })
      return 12
    },
    {
      jobName,
      store,
      notifiers: [createLogNotifier(alertLogger ? { logger: alertLogger } : {})],
      logger: { info() {}, warn: console.warn, error: console.error },
    },
  )

  for (const _ of serviceUp) {
    try {
      const sent = await sendReminders()
      console.log(`run ${day}: sent ${sent} reminders`)
    } catch (error) {
      console.log(`run ${day}: failed (${(error as Error).message})`)
    }
  }
  return store.listRuns({ jobName })
}
