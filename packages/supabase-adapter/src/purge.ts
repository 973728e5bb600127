import { type Database, scalar, sqlRunner } from './database.js'

/**
 * Deletes finished runs older than `days` days (running rows are kept). The same function
 * is callable from SQL, e.g. by a pg_cron job: `select cronwarden.purge(90)`.
 */
export async function purgeRuns(db: Database, days: number): Promise<number> {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`purgeRuns: days: expected an integer >= 1, got ${days}`)
  return Number(await scalar(sqlRunner(db), 'select cronwarden.purge($1::integer)', [days]))
}
