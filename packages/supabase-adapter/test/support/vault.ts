import pg from 'pg'
import { supabaseVaultSql } from '../../../../test-support/supabase-vault.js'
import type { TestDatabase } from '../../../../test-support/test-database.js'
import { supabaseRoles } from './supabase-roles.js'

/**
 * What Supabase grants on Vault (0.3) once the extension is created, from supabase/postgres's
 * migrations: its `postgres` may read and manage secrets and pass that on (WITH GRANT
 * OPTION); `service_role` may read and manage them. Nobody else gets anything.
 */
const supabaseVaultGrants = [
  `grant usage on schema vault to ${supabaseRoles.owner} with grant option`,
  `grant select, delete on vault.secrets, vault.decrypted_secrets to ${supabaseRoles.owner} with grant option`,
  `grant execute on function vault.create_secret, vault.update_secret, vault._crypto_aead_det_decrypt
     to ${supabaseRoles.owner} with grant option`,
  `grant usage on schema vault to ${supabaseRoles.serviceRole}`,
  `grant select, delete on vault.secrets, vault.decrypted_secrets to ${supabaseRoles.serviceRole}`,
  `grant execute on function vault.create_secret, vault.update_secret, vault._crypto_aead_det_decrypt
     to ${supabaseRoles.serviceRole}`,
]

/**
 * Installs the repository's Vault imitation (test-support/supabase-vault.sql) in `database` as
 * Supabase has it: everything owned by `cw_supabase_admin` (not the database's owner), with
 * Supabase's grants to `cw_postgres` and `cw_service_role` and none to anyone else. Needs the
 * superuser once, to let the admin role create its schema and to act as it (on Supabase,
 * `supabase_admin` does this).
 */
export async function installVault(database: Pick<TestDatabase, 'superuserUrl' | 'name'>): Promise<void> {
  const client = new pg.Client({ connectionString: database.superuserUrl })
  await client.connect()
  try {
    await client.query(`grant create on database ${database.name} to ${supabaseRoles.vaultOwner}`)
    await client.query(
      [
        'begin',
        `set local role ${supabaseRoles.vaultOwner}`,
        await supabaseVaultSql(),
        ...supabaseVaultGrants,
        'commit',
      ].join(';\n'),
    )
  } finally {
    await client.end()
  }
}
