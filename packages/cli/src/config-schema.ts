import type { ExecutionLogStore, ScheduledJob } from '@cronwarden/core'
import {
  checkUniqueNotifierNames,
  durationMs,
  notifierSchema,
  objectWithMethods,
  parseOptions,
  STORE_METHODS,
  schemaMatches,
} from '@cronwarden/core/plugin'
import type { PgCronJob } from '@cronwarden/supabase-adapter'
import { z } from 'zod'
import type { CronwardenConfig } from './config.js'

// The same check as every entry point that takes a store, so `check` and `deliver` accept
// exactly the stores the jobs' wrapper accepts.
const storeSchema = objectWithMethods<ExecutionLogStore>(STORE_METHODS, 'an ExecutionLogStore')

const databaseSchema = z.custom<NonNullable<CronwardenConfig['db']>>(
  (value) =>
    typeof value === 'object' || typeof value === 'function'
      ? value !== null &&
        (typeof (value as { unsafe?: unknown }).unsafe === 'function' ||
          typeof (value as { query?: unknown }).query === 'function')
      : false,
  { message: 'expected a postgres.js Sql, a node-postgres Pool or Client, or a PGlite instance' },
)

// Jobs are checked in full by checkMissedRuns / checkPgCronRuns when `check` uses them; here
// only their shape, so a typo is reported when the file loads, whatever the command. Typed as
// what those take, which the loose shape stands for.
const scheduledJobShape: z.ZodType<ScheduledJob, ScheduledJob> = z.looseObject({
  jobName: z.string(),
  schedule: z.string(),
})
const pgCronJobShape: z.ZodType<PgCronJob, PgCronJob> = z.looseObject({ pgCronJob: z.string() })

export const configSchema = z
  .strictObject({
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// connection string')
      .optional(),
    db: databaseSchema.optional(),
    store: storeSchema.optional(),
    notifiers: z.array(notifierSchema).default([]),
    jobs: z.array(scheduledJobShape).optional(),
    pgCronJobs: z.array(z.union([z.string(), pgCronJobShape])).optional(),
    notifyTimeoutMs: durationMs().default(5_000),
    storeTimeoutMs: durationMs().default(10_000),
  })
  .superRefine((config, ctx) => {
    checkUniqueNotifierNames(config.notifiers, ctx)
    if (config.db && config.databaseUrl)
      ctx.addIssue({ code: 'custom', path: ['db'], message: 'give `db` or `databaseUrl`, not both' })
  })
schemaMatches<typeof configSchema, CronwardenConfig>(true)

/** A config with its defaults filled in. */
export type ResolvedConfig = Omit<CronwardenConfig, 'notifiers' | 'notifyTimeoutMs' | 'storeTimeoutMs'> &
  Required<Pick<CronwardenConfig, 'notifiers' | 'notifyTimeoutMs' | 'storeTimeoutMs'>>

/** Checks what a config file exported; an `OptionsError` names each bad key, with `subject`. */
export function parseConfig(input: unknown, subject: string): ResolvedConfig {
  return parseOptions(configSchema, input, subject) as ResolvedConfig
}
