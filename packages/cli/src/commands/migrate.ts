import { migrate as applyMigrations, migrationScript } from '@cronwarden/supabase-adapter'
import type { CommandContext } from '../context.js'

/**
 * Applies the shipped migrations, a progress line per file on stderr. With `--print` it
 * connects to nothing and writes them as one SQL file for `supabase/migrations/` instead:
 * that file records each version it applies, so a later `migrate` applies nothing.
 */
export async function migrate(context: CommandContext, options: { print: boolean }): Promise<number> {
  const { out } = context
  if (options.print) {
    out.write(await migrationScript())
    return 0
  }
  const applied = await applyMigrations(context.database(), {
    onProgress: ({ migration, index, total }) => {
      if (!out.json) out.note(`applying ${migration.name} (${index + 1}/${total})…`)
    },
  })
  if (out.json) out.printJson({ applied })
  else
    out.line(
      applied.length === 0
        ? 'Schema is up to date: nothing to apply.'
        : `Applied ${applied.length} migration(s): ${applied.join(', ')}.`,
    )
  return 0
}
