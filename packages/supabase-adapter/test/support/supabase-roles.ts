// Roles shaped like Supabase's, on the shared test server, so the adapter's tests run without
// a superuser and grant problems show. On Supabase, `postgres` (the role behind
// SUPABASE_DB_URL) is not a superuser, `vault` belongs to `supabase_admin`, and PostgREST's
// `authenticator` switches to `anon`, `authenticated` or `service_role`. Roles are
// cluster-wide and test files run in parallel (and several runs may share the server), so
// they get names of their own (`cw_...`), except `anon` and `authenticated`: the migrations'
// revoke_public_access() looks for those names, and the pgTAP suite checks them.
import pg from 'pg'

/** The roles, by what they stand for on Supabase. */
export const supabaseRoles = {
  /**
   * Supabase's `postgres`: not a superuser; creates databases and roles; owns what it creates.
   * Every test database belongs to it, and tests migrate and run as it.
   */
  owner: 'cw_postgres',
  /** Supabase's `supabase_admin` as the owner of the `vault` schema (a superuser there; not here). */
  vaultOwner: 'cw_supabase_admin',
  /** Supabase's `service_role`: NOLOGIN NOINHERIT BYPASSRLS; reached through `authenticator`. */
  serviceRole: 'cw_service_role',
  /** PostgREST's `authenticator`: LOGIN NOINHERIT, member of `service_role`; only `set role`s. */
  authenticator: 'cw_authenticator',
  /** A least-privilege login role that only runs jobs: the README's `cronwarden_worker`. */
  worker: 'cw_worker',
} as const

/**
 * Each role's attributes, applied when it is created and again on every run (so a server an
 * older run set up gets today's shape). Supabase's own: `postgres` is LOGIN CREATEROLE
 * CREATEDB REPLICATION BYPASSRLS; `anon`, `authenticated` and `service_role` are NOLOGIN
 * NOINHERIT (`service_role` also BYPASSRLS); `authenticator` is LOGIN NOINHERIT.
 */
const attributes: ReadonlyArray<readonly [string, string]> = [
  [supabaseRoles.owner, 'login nosuperuser createdb createrole replication bypassrls'],
  [supabaseRoles.vaultOwner, 'nologin nosuperuser'],
  [supabaseRoles.serviceRole, 'nologin nosuperuser noinherit bypassrls'],
  [supabaseRoles.authenticator, 'login nosuperuser noinherit'],
  [supabaseRoles.worker, 'login nosuperuser inherit'],
  ['anon', 'nologin nosuperuser noinherit'],
  ['authenticated', 'nologin nosuperuser noinherit'],
]

/**
 * Memberships (granted role, member): what lets `authenticator` switch roles, and `postgres`
 * too (Supabase's pgTAP recipes `set local role authenticated` as `postgres`).
 */
const memberships: ReadonlyArray<readonly [string, string]> = [
  [supabaseRoles.serviceRole, supabaseRoles.authenticator],
  ['anon', supabaseRoles.authenticator],
  ['authenticated', supabaseRoles.authenticator],
  [supabaseRoles.serviceRole, supabaseRoles.owner],
  ['anon', supabaseRoles.owner],
  ['authenticated', supabaseRoles.owner],
]

/**
 * Advisory locks are per database: every caller takes it in the database of `adminUrl` (the
 * server's `test` database), so concurrent setups of the same cluster wait for each other.
 */
const ROLES_LOCK_KEY = 7_245_190_400

let ready: Promise<void> | undefined

/**
 * Creates (or reshapes) the roles, once per process. Safe when test files, or whole test runs,
 * do it at the same time: one transaction under an advisory lock, and a role another caller
 * created first (by an older helper that took no lock) is only reshaped.
 */
export function ensureSupabaseRoles(adminUrl: string): Promise<void> {
  ready ??= setUp(adminUrl).catch((error: unknown) => {
    ready = undefined
    throw error
  })
  return ready
}

async function setUp(adminUrl: string): Promise<void> {
  const statements = [
    ...attributes.map(
      ([role, attrs]) => `
      if not exists (select from pg_catalog.pg_roles where rolname = '${role}') then
        begin
          create role ${role} ${attrs};
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
      alter role ${role} ${attrs};`,
    ),
    ...memberships.map(
      ([granted, member]) => `
      if not pg_catalog.pg_has_role('${member}', '${granted}', 'member') then
        grant ${granted} to ${member};
      end if;`,
    ),
  ]
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    // One simple-protocol message: one implicit transaction, the lock held to its end.
    await client.query(
      `select pg_advisory_xact_lock(${ROLES_LOCK_KEY}); do $roles$ begin ${statements.join('\n')} end $roles$;`,
    )
  } finally {
    await client.end()
  }
}
