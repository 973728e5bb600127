import { describe, expect, it, vi } from 'vitest'
import type { AlertEvent } from './alert-event.js'
import { deliverPendingAlerts } from './deliver-pending-alerts.js'
import { silentLogger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import type { ExecutionLogStore, Notifier } from './ports.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'
import { withFailureAlerting } from './with-failure-alerting.js'

const jobName = 'assignment-follow-up-reminders'
const minutes = (n: number) => n * 60_000

/** A memory store on a clock the test moves, so claims, retries and expiry come due. */
function clockedStore() {
  let now = new Date('2026-01-05T06:00:00Z')
  const store = createMemoryStore({ now: () => now })
  return {
    store,
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
  }
}

const failing = async () => {
  throw new Error('push service answered 503')
}

/** A channel that is down for the first `failures` sends, then up. */
function flakyNotifier(name: string, failures: number): Notifier & { events: AlertEvent[]; attempts: number } {
  const events: AlertEvent[] = []
  const notifier = {
    name,
    events,
    attempts: 0,
    async notify(event: AlertEvent) {
      notifier.attempts += 1
      if (notifier.attempts <= failures) throw new Error(`${name} answered 503`)
      events.push(event)
    },
  }
  return notifier
}

describe('durable alerts', () => {
  it('delivers an alert whose finish reply was lost, on the next call, exactly once', async () => {
    const { store: memory, advance } = clockedStore()
    let loseReply = false
    const store: ExecutionLogStore = {
      ...memory,
      // The finish commits, then the connection drops before the answer arrives.
      async finishRun(input) {
        const result = await memory.finishRun(input)
        if (loseReply) throw new Error('connection terminated unexpectedly')
        return result
      },
    }
    const notifier = createRecordingNotifier()
    const run = withFailureAlerting(failing, { jobName, store, notifiers: [notifier], logger: silentLogger })
    await expect(run()).rejects.toThrow('503')
    loseReply = true
    await expect(run()).rejects.toThrow('503')
    expect(notifier.events).toEqual([])

    loseReply = false
    advance(minutes(1))
    await expect(run()).rejects.toThrow('503')
    expect(notifier.events).toEqual([
      expect.objectContaining({ type: 'consecutive_failures', consecutive_failure_count: 2 }),
    ])
    advance(minutes(1))
    await expect(run()).rejects.toThrow('503')
    expect(notifier.events).toHaveLength(1)
  })

  it('delivers what a caller left before running the job', async () => {
    const { store, advance } = clockedStore()
    const order: string[] = []
    const notifier = createRecordingNotifier({ behaviour: () => void order.push('alert') })
    // A caller wrote the alert entry with its failure, then died before sending it.
    await store.beginRun({ jobName, runId: 'r1', leaseMs: 60_000, exclusive: true, host: null, alert: null })
    await store.finishRun({ jobName, runId: 'r1', status: 'failed', errorMessage: 'a', summary: null, alert: null })
    await store.beginRun({ jobName, runId: 'r2', leaseMs: 60_000, exclusive: true, host: null, alert: null })
    const left = await store.finishRun({
      jobName,
      runId: 'r2',
      status: 'failed',
      errorMessage: 'b',
      summary: null,
      alert: {
        policy: { failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null },
        notifiers: ['recording'],
        ttlMs: minutes(60),
        claimMs: 10,
      },
    })
    expect(left?.alert).not.toBeNull()
    advance(minutes(1))
    await expect(
      withFailureAlerting(
        async () => {
          order.push('job')
        },
        { jobName, store, notifiers: [notifier], logger: silentLogger },
      )(),
    ).resolves.toBeUndefined()
    expect(order).toEqual(['alert', 'job'])
    expect(notifier.events).toEqual([expect.objectContaining({ run_id: 'r2', error_message: 'b' })])
  })

  it('retries a channel that is down with backoff until it is up, and records every attempt', async () => {
    const { store, advance } = clockedStore()
    const slack = flakyNotifier('slack', 3)
    const options = { jobName, store, notifiers: [slack], logger: silentLogger, retryDelayMs: 10_000 }
    const run = withFailureAlerting(failing, options)
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    expect(slack.attempts).toBe(1)

    const sweep = () => deliverPendingAlerts({ store, notifiers: [slack], logger: silentLogger, retryDelayMs: 10_000 })
    // Not due yet: the first retry waits 10 s, the next 20 s, then 40 s.
    expect(await sweep()).toEqual([])
    expect(slack.attempts).toBe(1)
    for (const wait of [10_000, 20_000]) {
      advance(wait)
      await sweep()
    }
    expect(slack.attempts).toBe(3)
    expect(slack.events).toEqual([])
    advance(39_000)
    await sweep()
    expect(slack.attempts).toBe(3)
    advance(1_000)
    const sent = await sweep()
    expect(sent.map((event) => event.type)).toEqual(['consecutive_failures'])
    expect(slack.events).toHaveLength(1)
    advance(minutes(60))
    await sweep()
    expect(slack.events).toHaveLength(1)

    const [alert] = await store.listAlerts({ jobName })
    expect(alert).toMatchObject({ status: 'delivered', event_type: 'consecutive_failures' })
    expect(alert?.notifiers).toEqual([
      expect.objectContaining({
        notifier: 'slack',
        status: 'delivered',
        attempts: 4,
        last_error: 'slack answered 503',
      }),
    ])
    const [row] = await store.listRuns({ jobName })
    expect(row?.deliveries.map((delivery) => delivery.status)).toEqual(['failed', 'failed', 'failed', 'delivered'])
  })

  it('retries only the notifier that is down', async () => {
    const { store, advance } = clockedStore()
    const email = createRecordingNotifier({ name: 'email' })
    const slack = flakyNotifier('slack', 1)
    const notifiers = [slack, email]
    const run = withFailureAlerting(failing, { jobName, store, notifiers, logger: silentLogger, retryDelayMs: 1_000 })
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    advance(1_000)
    await deliverPendingAlerts({ store, notifiers, logger: silentLogger })
    expect(email.events).toHaveLength(1)
    expect(slack.events).toHaveLength(1)
    const [alert] = await store.listAlerts({ jobName })
    expect(alert?.notifiers.map((state) => [state.notifier, state.status, state.attempts])).toEqual([
      ['slack', 'delivered', 2],
      ['email', 'delivered', 1],
    ])
  })

  it('records an alert never delivered within alertTtlMs as expired, logs it, and never sends it', async () => {
    const { store, advance } = clockedStore()
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const down = flakyNotifier('slack', Number.POSITIVE_INFINITY)
    const options = { jobName, store, notifiers: [down], logger, alertTtlMs: minutes(30), retryDelayMs: minutes(10) }
    const run = withFailureAlerting(failing, options)
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    const up = createRecordingNotifier({ name: 'slack' })
    advance(minutes(30))
    expect(await deliverPendingAlerts({ store, notifiers: [up], logger })).toEqual([])
    expect(up.events).toEqual([])
    expect(logger.error).toHaveBeenCalledWith(
      'alert expired before every notifier had it; it will not be sent',
      expect.objectContaining({ job_name: jobName, notifiers: ['slack'] }),
    )
    const [alert] = await store.listAlerts({ jobName })
    expect(alert).toMatchObject({ status: 'expired' })
    expect(alert?.notifiers[0]).toMatchObject({ status: 'expired', attempts: 1 })
    advance(minutes(60))
    await deliverPendingAlerts({ store, notifiers: [up], logger })
    expect(up.events).toEqual([])
  })

  it('delivers only the jobs it is given, and leaves notifiers it does not have', async () => {
    const { store, advance } = clockedStore()
    const down = flakyNotifier('slack', Number.POSITIVE_INFINITY)
    for (const name of ['a', 'b']) {
      const run = withFailureAlerting(failing, { jobName: name, store, notifiers: [down], logger: silentLogger })
      await expect(run()).rejects.toThrow()
      await expect(run()).rejects.toThrow()
    }
    advance(minutes(60))
    const slack = createRecordingNotifier({ name: 'slack' })
    const email = createRecordingNotifier({ name: 'email' })
    await deliverPendingAlerts({ store, notifiers: [email], logger: silentLogger })
    expect(email.events).toEqual([])
    await deliverPendingAlerts({ store, notifiers: [slack], jobs: ['a'], logger: silentLogger })
    expect(slack.events.map((event) => event.job_name)).toEqual(['a'])
    await deliverPendingAlerts({ store, notifiers: [slack], logger: silentLogger })
    expect(slack.events.map((event) => event.job_name)).toEqual(['a', 'b'])
  })

  it('sends each of 200 pending alerts once per notifier with three sweepers at once', async () => {
    const { store, advance } = clockedStore()
    const down = flakyNotifier('slack', Number.POSITIVE_INFINITY)
    for (let i = 0; i < 200; i++) {
      const run = withFailureAlerting(failing, {
        jobName: `job-${i}`,
        store,
        notifiers: [down, createRecordingNotifier({ name: 'email', behaviour: () => Promise.reject(new Error('x')) })],
        logger: silentLogger,
        failureThreshold: 1,
      })
      await expect(run()).rejects.toThrow()
    }
    advance(minutes(60))
    const slack = createRecordingNotifier({
      name: 'slack',
      behaviour: () => new Promise((resolve) => setImmediate(resolve)),
    })
    const email = createRecordingNotifier({ name: 'email' })
    await Promise.all(
      Array.from({ length: 3 }, () => deliverPendingAlerts({ store, notifiers: [slack, email], logger: silentLogger })),
    )
    for (const notifier of [slack, email]) {
      const jobs = notifier.events.map((event) => event.job_name)
      expect(jobs).toHaveLength(200)
      expect(new Set(jobs).size).toBe(200)
    }
  })

  it('delivers a long_running alert durably when the channel was down at the time', async () => {
    vi.useFakeTimers()
    try {
      const { store, advance } = clockedStore()
      const slack = flakyNotifier('slack', 1)
      let release = () => {}
      const call = withFailureAlerting(() => new Promise<void>((resolve) => (release = resolve)), {
        jobName,
        store,
        notifiers: [slack],
        logger: silentLogger,
        maxRuntimeMs: 60_000,
        lock: { leaseMs: 600_000 },
        retryDelayMs: 1_000,
      })()
      await vi.advanceTimersByTimeAsync(60_000)
      expect(slack.attempts).toBe(1)
      release()
      await call
      advance(1_000)
      await deliverPendingAlerts({ store, notifiers: [slack], logger: silentLogger })
      expect(slack.events.map((event) => event.type)).toEqual(['long_running'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('writes no alert entry for a success after a success', async () => {
    const { store } = clockedStore()
    const run = withFailureAlerting(async () => 'ok', {
      jobName,
      store,
      notifiers: [createRecordingNotifier()],
      logger: silentLogger,
    })
    await run()
    await run()
    expect(await store.listAlerts({ jobName })).toEqual([])
  })

  it('makes a sweep fail when the store cannot be read, and a wrapped run carry on', async () => {
    const { store: memory } = clockedStore()
    const store: ExecutionLogStore = { ...memory, claimAlerts: () => Promise.reject(new Error('connection refused')) }
    await expect(deliverPendingAlerts({ store, logger: silentLogger })).rejects.toThrow(
      /claimAlerts: connection refused/,
    )
    const onInternalError = vi.fn()
    const notifier = createRecordingNotifier()
    const run = withFailureAlerting(failing, {
      jobName,
      store,
      notifiers: [notifier],
      logger: silentLogger,
      onInternalError,
    })
    await expect(run()).rejects.toThrow('503')
    // A pending entry (left by a caller that died) makes the next begin deliver it first.
    await memory.beginRun({ jobName, runId: 'crashed', leaseMs: 1, exclusive: false, host: null, alert: null })
    await memory.finishRun({
      jobName,
      runId: 'crashed',
      status: 'failed',
      errorMessage: 'x',
      summary: null,
      alert: {
        policy: { failureThreshold: 9, notifyOnRecovery: false, realertEveryMs: null },
        notifiers: ['recording'],
        ttlMs: 60_000,
        claimMs: 1,
      },
    })
    await expect(run()).rejects.toThrow('503')
    expect(onInternalError).toHaveBeenCalledWith(expect.objectContaining({ operation: 'claimAlerts' }))
  })

  it('counts as sent only the events a notifier accepted', async () => {
    const { store, advance } = clockedStore()
    const down = flakyNotifier('slack', Number.POSITIVE_INFINITY)
    const run = withFailureAlerting(failing, {
      jobName,
      store,
      notifiers: [down],
      logger: silentLogger,
      retryDelayMs: 1_000,
    })
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    advance(1_000)
    expect(await deliverPendingAlerts({ store, notifiers: [down], logger: silentLogger })).toEqual([])
    expect(down.attempts).toBe(2)
  })
})
