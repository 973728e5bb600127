// Writes src/generated/migrations.ts from migrations/*.sql:
// `pnpm --filter @cronwarden/supabase-adapter migrations:generate`. With `--check` it writes
// nothing and fails when the file is out of date, so `pnpm build` never ships stale SQL.
import { readFile, writeFile } from 'node:fs/promises'
import { generatedFile, readMigrationFiles, regenerateCommand, renderMigrationsModule } from './migrations-module.js'

const text = renderMigrationsModule(await readMigrationFiles())

if (process.argv.includes('--check')) {
  const current = await readFile(generatedFile, 'utf8').catch(() => '')
  if (current !== text) {
    console.error(`${generatedFile} is out of date with migrations/: run \`${regenerateCommand}\``)
    process.exitCode = 1
  }
} else {
  await writeFile(generatedFile, text)
  console.log(`wrote ${generatedFile}`)
}
