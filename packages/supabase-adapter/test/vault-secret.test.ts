import { inspect } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { supabaseVaultSql } from '../../../test-support/supabase-vault.js'
import { serverAvailable } from '../../../test-support/test-database.js'
import { VaultSecretError, vaultSecret } from '../src/index.js'
import { readmeSqlBlock } from './support/query-plans.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { supabaseRoles } from './support/supabase-roles.js'
import { installVault } from './support/vault.js'

const webhookUrl = 'https://hooks.example.test/services/T000/B000/very-secret-token'
const SECRET_PART = 'very-secret-token'

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

/** The error as a log line, a JSON body or a debugger would show it: none may hold the value. */
const everyRendering = (error: unknown) => [inspect(error, { depth: 10 }), JSON.stringify(error), String(error)]

describe('vaultSecret', () => {
  const db = new PGlite()

  beforeAll(async () => {
    await db.exec(await supabaseVaultSql())
    await db.query(`select vault.create_secret($1, 'ops_slack_webhook_url', 'alerts channel')`, [webhookUrl])
  })
  afterAll(() => db.close())

  it('reads the decrypted value when called, not before', async () => {
    const read = vaultSecret(db, 'ops_slack_webhook_url')
    expect(await read()).toBe(webhookUrl)
    // The imitation stores it encrypted, as Vault does: only the view decrypts it.
    const { rows } = await db.query<{ secret: string }>(
      `select secret from vault.secrets where name = 'ops_slack_webhook_url'`,
    )
    expect(rows[0]?.secret).not.toContain(SECRET_PART)
  })

  it('picks up a rotated secret on the next call', async () => {
    const read = vaultSecret(db, 'rotating')
    const { rows } = await db.query<{ id: string }>(`select vault.create_secret('first', 'rotating') as id`)
    expect(await read()).toBe('first')
    await db.query('select vault.update_secret($1, $2)', [rows[0]?.id, 'second'])
    expect(await read()).toBe('second')
  })

  it('names a missing secret in a clear error', async () => {
    const error = await errorOf(vaultSecret(db, 'ops_smtp_url')())
    expect(error).toBeInstanceOf(VaultSecretError)
    expect((error as VaultSecretError).message).toBe(
      'Vault secret "ops_smtp_url" does not exist in vault.decrypted_secrets',
    )
    expect((error as VaultSecretError).secretName).toBe('ops_smtp_url')
  })

  it('reports a secret without a decrypted value', async () => {
    await db.query(`select vault.create_secret('', 'empty')`)
    expect(await errorOf(vaultSecret(db, 'empty')())).toMatchObject({
      message: expect.stringMatching(/"empty" exists but has no decrypted value/),
    })
  })

  it('wraps a database failure without any secret in it', async () => {
    const other = new PGlite()
    try {
      const error = await errorOf(vaultSecret(other, 'ops_slack_webhook_url')())
      expect(error).toBeInstanceOf(VaultSecretError)
      expect((error as Error).message).toMatch(/could not be read from vault\.decrypted_secrets: .*does not exist/)
      expect((error as Error).cause).toBeDefined()
    } finally {
      await other.close()
    }
  })

  it('never lets the value reach an error, even a failing caller’s', async () => {
    const error = await errorOf(vaultSecret(db, 'missing')())
    for (const rendering of everyRendering(error)) expect(rendering).not.toContain(SECRET_PART)
  })

  it('rejects an empty name at once', () => {
    expect(() => vaultSecret(db, '')).toThrow(/name: expected the non-empty name of a Vault secret/)
  })
})

const available = await serverAvailable()

// Vault as Supabase has it: `vault` owned by an admin role, Supabase's grants to `postgres`
// (here `cw_postgres`, the database's non-superuser owner) and `service_role`, nothing for
// anyone else; the README's grants are what a least-privilege role needs.
describe.skipIf(!available)('Vault grants on a Supabase-shaped server', () => {
  let db: SupabaseDatabase
  let worker: postgres.Sql
  const { owner, worker: workerRole, vaultOwner, serviceRole } = supabaseRoles

  beforeAll(async () => {
    db = await createSupabaseDatabase()
    await installVault(db)
    // As Supabase's SQL editor does it: `postgres` may call create_secret.
    await db.sql`select vault.create_secret(${webhookUrl}, 'ops_slack_webhook_url')`
    worker = postgres(db.urlAs(workerRole), { prepare: false, max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await worker?.end({ timeout: 5 })
    await db?.drop()
  })

  it("is owned by another role than the database's owner, which reads it through Supabase's grants", async () => {
    const [shape] = await db.sql`
      select pg_get_userbyid(n.nspowner) as schema_owner,
             pg_get_userbyid(c.relowner) as view_owner,
             (select rolsuper from pg_roles where rolname = current_user) as superuser,
             current_user as reader
      from pg_namespace n join pg_class c on c.relnamespace = n.oid
      where n.nspname = 'vault' and c.relname = 'decrypted_secrets'`
    expect(shape).toEqual({ schema_owner: vaultOwner, view_owner: vaultOwner, superuser: false, reader: owner })
    expect(await vaultSecret(db.sql, 'ops_slack_webhook_url')()).toBe(webhookUrl)
  })

  it('names each missing grant until the README’s three are given, then reads the secret', async () => {
    const grants = (await readmeSqlBlock('Reading Vault secrets')).map((statement) =>
      statement.replaceAll('cronwarden_worker', workerRole),
    )
    const missing = [
      'usage on schema vault',
      'select on vault.decrypted_secrets',
      'execute on function vault._crypto_aead_det_decrypt',
    ]
    expect(grants).toHaveLength(missing.length)
    const read = vaultSecret(worker, 'ops_slack_webhook_url')
    for (const [index, grant] of grants.entries()) {
      const error = await errorOf(read())
      expect(error).toBeInstanceOf(VaultSecretError)
      expect((error as Error).message).toMatch(
        /^Vault secret "ops_slack_webhook_url" could not be read .*permission denied/,
      )
      expect((error as Error).message).toContain(`(missing grant: ${missing[index]}). Reading Vault takes`)
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('42501')
      for (const rendering of everyRendering(error)) expect(rendering).not.toContain(SECRET_PART)
      // The README's statements are run by `postgres`, which Supabase gave the grant option.
      await db.sql.unsafe(grant)
    }
    expect(await read()).toBe(webhookUrl)
  })

  it('names the missing grant through node-postgres too', async () => {
    // `anon`, which has nothing in vault, reached as PostgREST reaches it: through authenticator.
    const pool = new pg.Pool({
      connectionString: db.urlAs(supabaseRoles.authenticator),
      options: '-c role=anon',
      max: 1,
    })
    try {
      const error = await errorOf(vaultSecret(pool, 'ops_slack_webhook_url')())
      expect((error as Error).message).toContain('(missing grant: usage on schema vault)')
    } finally {
      await pool.end()
    }
  })

  it('lets service_role read secrets as Supabase grants it, through authenticator', async () => {
    const asService = postgres(db.urlAs(supabaseRoles.authenticator), {
      prepare: false,
      max: 1,
      onnotice: () => {},
      connection: { role: serviceRole },
    })
    try {
      expect(await vaultSecret(asService, 'ops_slack_webhook_url')()).toBe(webhookUrl)
    } finally {
      await asService.end({ timeout: 5 })
    }
  })
})
