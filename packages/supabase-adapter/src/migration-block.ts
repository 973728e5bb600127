import type { Migration } from './migrations.js'
import { sqlLiteral } from './sql-literal.js'

/**
 * Every application of a migration serialises on this transaction-scoped lock: `migrate`'s,
 * concurrent callers of it, and the script `migrationScript` writes.
 */
export const MIGRATION_LOCK_KEY = 7_245_190_331

/**
 * One migration as a DO block that decides, under the lock, whether its version is applied,
 * and if not runs its text with EXECUTE (which runs several statements, each parsed only when
 * the previous one ran, so later ones see what earlier ones created) and records the version.
 * Both `migrate` and `migrationScript` apply migrations through it, so the decision is made
 * in one place and always inside the lock: a caller that read the versions before another
 * caller applied them cannot re-apply an older file over newer ones.
 *
 * The lock is taken in each block, not once at the top: in a client that commits each
 * statement (psql without --single-transaction), a lock taken at the top would be released
 * before the first block. The check reads the table only once it exists: a query naming a
 * missing table fails when it is planned, even behind an `or` that would not reach it.
 */
export function migrationBlock(migration: Migration): string {
  const version = String(migration.version).padStart(4, '0')
  const blockTag = `$cronwarden_migration_${version}$`
  const textTag = `$cronwarden_migration_${version}_sql$`
  for (const tag of [blockTag, textTag]) {
    if (migration.sql.includes(tag)) {
      throw new Error(`migrationScript: ${migration.name} contains the dollar-quote tag ${tag} it would be quoted with`)
    }
  }
  return [
    `-- ${migration.name}`,
    `do ${blockTag}`,
    'declare',
    '  v_applied boolean := false;',
    'begin',
    `  perform pg_catalog.pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});`,
    "  if pg_catalog.to_regclass('cronwarden.schema_migrations') is not null then",
    `    v_applied := exists (select from cronwarden.schema_migrations where version = ${migration.version});`,
    '  end if;',
    '  if not v_applied then',
    `    execute ${textTag}${migration.sql}${textTag};`,
    '    insert into cronwarden.schema_migrations (version, name)',
    `    values (${migration.version}, ${sqlLiteral(migration.name)}) on conflict (version) do nothing;`,
    '  end if;',
    'end',
    `${blockTag};`,
    '',
  ].join('\n')
}

/**
 * A statement to run after `migrationBlock` in the same transaction: one row whose `applied`
 * column is true when that block applied the migration, i.e. when this transaction wrote the
 * row recording its version. A block that found it applied wrote nothing, so no transaction
 * id was even assigned.
 */
export function appliedHereQuery(migration: Migration): string {
  return [
    'select exists (',
    '  select from cronwarden.schema_migrations',
    `  where version = ${migration.version} and xmin = pg_catalog.pg_current_xact_id_if_assigned()::xid`,
    ') as applied;',
  ].join('\n')
}
