import {
  type ExecutionLogStore,
  type Notifier,
  type RunSummary,
  silentLogger,
  type WithFailureAlertingOptions,
  withFailureAlerting,
} from '@cronwarden/core'
import { createSupabaseStore, type Database } from '@cronwarden/supabase-adapter'

/** One run of a seeded job: a success (with a summary, maybe) or a failure with this error. */
export type SeedRun = { ok: true; summary?: RunSummary } | { fail: string }

export const ok = (summary?: RunSummary): SeedRun => (summary ? { ok: true, summary } : { ok: true })
export const fail = (error: string): SeedRun => ({ fail: error })

export type SeedOptions = Omit<WithFailureAlertingOptions, 'jobName' | 'store'>

/**
 * Records runs the way an application does: each through `withFailureAlerting` on the
 * Postgres store, one after another. A failure's error is swallowed here, as a scheduler's
 * log would take it; the run, the streak and any alert entry are in the database.
 */
export async function seedRuns(
  db: Database,
  jobName: string,
  runs: readonly SeedRun[],
  options: SeedOptions & { store?: ExecutionLogStore } = {},
): Promise<void> {
  const store = options.store ?? createSupabaseStore({ db })
  for (const run of runs) {
    const wrapped = withFailureAlerting(
      async (context) => {
        if ('fail' in run) throw new Error(run.fail)
        if (run.summary) context.setSummary(run.summary)
      },
      { logger: silentLogger, ...options, jobName, store },
    )
    await wrapped().catch(() => {})
  }
}

/**
 * The Postgres store as seen by a caller that crashed right after `finishRun` committed: the
 * alert entry is written (and claimed by it until the claim lapses) but never sent.
 */
export function crashingAfterFinish(db: Database): ExecutionLogStore {
  const store = createSupabaseStore({ db })
  return new Proxy(store, {
    get(target, key) {
      if (key === 'finishRun')
        return async (input: Parameters<ExecutionLogStore['finishRun']>[0]) => ({
          ...(await target.finishRun(input)),
          alert: null,
        })
      const value = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** A notifier that records what it was given and accepts it. */
export function acceptingNotifier(name: string): Notifier & { events: unknown[] } {
  const events: unknown[] = []
  return {
    name,
    events,
    async notify(event) {
      events.push(event)
    },
  }
}

/** A notifier whose channel is down. */
export function failingNotifier(name: string, message = 'channel unavailable'): Notifier {
  return {
    name,
    async notify() {
      throw new Error(message)
    },
  }
}

/**
 * Starts a run that stays running until `finish()` is called, as a job a worker is busy
 * with; resolves once the run is recorded as running.
 */
export async function startLongRun(
  db: Database,
  jobName: string,
  options: SeedOptions = {},
): Promise<{ finish(): Promise<void> }> {
  let release = () => {}
  let started = () => {}
  const running = new Promise<void>((resolve) => {
    started = resolve
  })
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const wrapped = withFailureAlerting(
    async () => {
      started()
      await gate
    },
    { logger: silentLogger, ...options, jobName, store: createSupabaseStore({ db }) },
  )
  const done = wrapped()
  await running
  return {
    finish: async () => {
      release()
      await done
    },
  }
}
