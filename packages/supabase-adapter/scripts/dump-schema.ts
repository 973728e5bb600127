// Regenerates schema.sql from the migrations: `pnpm --filter @cronwarden/supabase-adapter schema:dump`.
// Needs the PostgreSQL server tests use (CRONWARDEN_TEST_DATABASE_URL) and pg_dump.
import { writeFile } from 'node:fs/promises'
import { dumpMigratedSchema, schemaFile } from './schema-dump.js'

await writeFile(schemaFile, await dumpMigratedSchema())
console.log(`wrote ${schemaFile}`)
