-- cronwarden execution log, 0000: the table `migrate(db)` uses to remember applied files.
-- Harmless when the files are applied as plain Supabase migrations instead.
create schema if not exists cronwarden;
revoke all on schema cronwarden from public;

create table if not exists cronwarden.schema_migrations (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
);
revoke all on cronwarden.schema_migrations from public;
