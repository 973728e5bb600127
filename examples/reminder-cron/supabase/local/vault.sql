-- A local stand-in for Supabase Vault (the extension exists only on Supabase): the same
-- vault.secrets table, vault.decrypted_secrets view and vault.create_secret function, with
-- values kept in clear. The embedded example stores the Slack webhook URL here, and reads it
-- the way production does. Created only where no `vault` schema exists.
create schema if not exists vault;
create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create or replace view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, nonce, created_at, updated_at
  from vault.secrets;
create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null
) returns uuid language sql as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, new_description, new_key_id)
  on conflict (name) do update set secret = excluded.secret, updated_at = now()
  returning id
$$;
