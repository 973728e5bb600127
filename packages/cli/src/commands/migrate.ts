import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { migrate as applyMigrations, migrationScript } from '@cronwarden/supabase-adapter'
import type { CommandContext } from '../context.js'
import { UsageError } from '../errors.js'

export interface MigrateOptions {
  print: boolean
  /** `--output-dir`: the folder as given (for messages and the printed path), and resolved. */
  outputDir?: { given: string; path: string }
}

/**
 * Applies the shipped migrations, a progress line per file on stderr. With `--print` it
 * connects to nothing and writes them as one SQL file for `supabase/migrations/` instead:
 * that file records each version it applies, so a later `migrate` applies nothing. With
 * `--output-dir` it writes that file into the folder itself (see `writeMigrationFile`).
 */
export async function migrate(context: CommandContext, options: MigrateOptions): Promise<number> {
  const { out } = context
  if (options.print) {
    out.write(await migrationScript())
    return 0
  }
  if (options.outputDir) {
    const file = await writeMigrationFile(options.outputDir, context.now())
    if (out.json) out.printJson({ file })
    else out.line(file)
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

/**
 * Writes the migration script as `<UTC YYYYMMDDHHMMSS>_cronwarden.sql` into an existing folder
 * and returns its path (as the folder was given). The Supabase CLI applies the folder's files
 * in timestamp order and refuses one older than the newest it applied, so the name carries
 * the current time, never a fixed date. An existing file is never replaced (`wx`: the file
 * is created by this write or the write fails).
 */
async function writeMigrationFile(dir: { given: string; path: string }, now: Date): Promise<string> {
  const folder = await stat(dir.path).catch(() => null)
  if (!folder?.isDirectory())
    throw new UsageError(
      folder
        ? `--output-dir: ${dir.given} is not a folder (${dir.path})`
        : `--output-dir: ${dir.given} does not exist (${dir.path}): create it first`,
    )
  const name = `${now.toISOString().replace(/\D/g, '').slice(0, 14)}_cronwarden.sql`
  const script = await migrationScript()
  try {
    await writeFile(join(dir.path, name), script, { encoding: 'utf8', flag: 'wx' })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST')
      throw new UsageError(`--output-dir: ${join(dir.given, name)} exists already; not overwritten`, { cause: error })
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new UsageError(`--output-dir: cannot write into ${dir.given}: ${code}`, { cause: error })
    throw error
  }
  return join(dir.given, name)
}
