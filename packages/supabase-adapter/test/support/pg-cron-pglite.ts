import { readFile } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll } from 'vitest'
import { createSupabaseStore, migrate } from '../../src/index.js'

/** Tables of pg_cron's shape (cron.job, cron.job_run_details): pg_cron itself needs a server. */
export function pgCronFixtureSql(): Promise<string> {
  return readFile(new URL('./pg-cron-fixture.sql', import.meta.url), 'utf8')
}

/**
 * One PGlite for the calling test file (it takes seconds to start), with pg_cron's tables and
 * cronwarden migrated before the file's tests and closed after them.
 */
export function pgCronOnPglite() {
  const db = new PGlite()
  beforeAll(async () => {
    await db.exec(await pgCronFixtureSql())
    await migrate(db)
  })
  afterAll(() => db.close())
  return {
    db,
    store: createSupabaseStore({ db }),
    /** Adds a daily job named `jobName` to cron.job; its jobid. */
    async scheduleJob(jobName: string): Promise<number> {
      const { rows } = await db.query<{ jobid: number }>(
        `insert into cron.job (schedule, command, jobname) values ('0 6 * * *', 'select 1', $1) returning jobid`,
        [jobName],
      )
      return Number(rows[0]?.jobid)
    },
  }
}
