import { OptionsError, StoreError, silentLogger } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { checkPgCronRuns } from '../src/index.js'
import { pgCronOnPglite } from './support/pg-cron-pglite.js'

const { db, store, scheduleJob: schedule } = pgCronOnPglite()

const check = (jobs: Parameters<typeof checkPgCronRuns>[0]['jobs'], ingest = true) =>
  checkPgCronRuns({ db, jobs, ingest, logger: silentLogger })

describe('checkPgCronRuns and the names of pg_cron jobs', () => {
  it('refuses a name cron.job does not have, naming it and listing the jobs there, and records nothing', async () => {
    await schedule('nightly-export')
    const jobid = await schedule('assignment-reminders')
    await db.query(
      `insert into cron.job_run_details (jobid, job_pid, status, return_message, start_time, end_time)
       values ($1, 1, 'failed', 'ERROR:  boom', now(), now())`,
      [jobid],
    )
    const sent: string[] = []
    const recording = {
      query: (text: string, values?: unknown[]) => {
        sent.push(text)
        return db.query(text, values)
      },
    }
    const error = await checkPgCronRuns({
      db: recording,
      jobs: ['assignment-reminders', { pgCronJob: 'nightly-exprot' }],
      logger: silentLogger,
    }).catch((caught) => caught)
    expect(error).toBeInstanceOf(OptionsError)
    expect((error as OptionsError).issues).toEqual([
      {
        path: 'jobs.1.pgCronJob',
        message: expect.stringMatching(/^no pg_cron job named "nightly-exprot" in cron\.job/),
      },
    ])
    expect((error as Error).message).toContain('assignment-reminders, nightly-export')
    // Refused before anything was ingested or delivered, even for the job that exists.
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.filter((text) => !/\bcron\.job\b/.test(text))).toEqual([])
    expect(await store.listRuns({ jobName: 'pg_cron:assignment-reminders' })).toEqual([])
  })

  it('lists at most 20 of the jobs there, and how many more there are', async () => {
    for (let index = 0; index < 25; index++) await schedule(`bulk-${String(index).padStart(2, '0')}`)
    const error = (await check(['bulk-99']).catch((caught) => caught)) as OptionsError
    expect(error).toBeInstanceOf(OptionsError)
    const message = error.issues[0]?.message ?? ''
    const listed = message.slice(message.indexOf(': ', message.indexOf('cron.job has')) + 2)
    expect(listed.split(', ').slice(0, 20)).toHaveLength(20)
    expect(message).toMatch(/, and 7 more$/) // 27 jobs in all: the two above and these 25
  })

  it('checks on each call: a job scheduled since is accepted', async () => {
    await expect(check(['scheduled-later'])).rejects.toBeInstanceOf(OptionsError)
    await schedule('scheduled-later')
    await expect(check(['scheduled-later'])).resolves.toMatchObject({ recorded: 0, events: [] })
  })

  it('does not read cron.job with ingest: false, which only delivers entries recorded earlier', async () => {
    await expect(check(['not-in-cron-job'], false)).resolves.toEqual({ recorded: 0, events: [] })
  })

  it('bounds the check by storeTimeoutMs, as part of the ingestion', async () => {
    const silent = { query: () => new Promise<never>(() => {}) }
    const error = await checkPgCronRuns({ db: silent, jobs: ['x'], storeTimeoutMs: 100, logger: silentLogger }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ operation: 'ingestPgCron', cause: { name: 'StoreTimeoutError' } })
  })
})
