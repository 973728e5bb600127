import { purgeRuns } from '@cronwarden/supabase-adapter'
import type { CommandContext } from '../context.js'

/**
 * Deletes finished runs (and settled alert entries) older than `days`, in batches so a
 * purge of millions of rows holds no long lock and shows progress on stderr.
 */
export async function purge(context: CommandContext, options: { days: number; batchSize: number }): Promise<number> {
  const { out } = context
  const deleted = await purgeRuns(context.database(), options.days, {
    batchSize: options.batchSize,
    onProgress: (soFar) => {
      if (!out.json) out.note(`deleted ${soFar.toLocaleString('en-US')} row(s)…`)
    },
  })
  // The count covers both tables: old runs and old settled alert entries.
  if (out.json) out.printJson({ deleted_rows: deleted, older_than_days: options.days })
  else
    out.line(
      `Deleted ${deleted.toLocaleString('en-US')} row(s) (runs and settled alerts) older than ${options.days} day(s).`,
    )
  return 0
}
