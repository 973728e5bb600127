import { PGlite } from '@electric-sql/pglite'
import { describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { migrate } from '../src/migrate.js'
import { fromPglite } from '../src/pglite-db.js'
import { fromPg } from '../supabase/functions/_shared/db.ts'
import { createServerDatabase } from './support/databases.js'

const allFiles = [
  '001_domain',
  '002_last_contact_trigger',
  '003_admin_correction',
  '004_reminder_dispatches',
  '005_admin_correction_guard',
]
const hasServer = await serverAvailable()

describe('migrate', () => {
  it('applies every numbered file in order once, and nothing on a second call', async () => {
    const pglite = await PGlite.create()
    try {
      const db = fromPglite(pglite)
      expect(await migrate(db)).toEqual(allFiles)
      expect(await migrate(db)).toEqual([])
      const { rows } = await db.query<{ version: string }>(
        'select version from reminders.schema_migrations order by version',
      )
      expect(rows.map((row) => row.version)).toEqual(allFiles)
    } finally {
      await pglite.close()
    }
  })

  it.skipIf(!hasServer)('applies each file once when two migrators race on the server', async () => {
    const server = await createServerDatabase({ migrated: false })
    try {
      const applied = await Promise.all([migrate(server.db), migrate(fromPg(server.newPool()))])
      expect(applied.flat().sort()).toEqual(allFiles)
    } finally {
      await server.drop()
    }
  })
})
