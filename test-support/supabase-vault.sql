-- Supabase Vault's shape (supabase_vault 0.3; the extension itself is not installable here):
-- vault.secrets holds each secret encrypted and base64-encoded, and the vault.decrypted_secrets
-- view decrypts it by calling vault._crypto_aead_det_decrypt, so reading the view needs
-- execute on that function as well as select on the view (a view checks the functions it
-- calls against the role that reads it, and its tables against its owner). The "encryption"
-- is a stand-in: the bytes reversed with their nibbles swapped, which undoes itself; what
-- matters here is who owns what and who may call what.
--
-- The repository's one Vault imitation (supabase-vault.ts reads it). Whoever runs this owns
-- it all: on the test server the Supabase-shaped `cw_supabase_admin` (the adapter's
-- test/support/vault.ts, which then grants what Supabase grants), in PGlite its only user, and
-- in the reminder-cron example whoever runs it where no `vault` schema exists. Like the
-- extension, it grants nothing, and revokes execute on its functions from PUBLIC.
create schema if not exists vault;

create or replace function vault._crypto_aead_det_encrypt(
  message bytea, additional bytea, key_id bigint, context bytea = 'pgsodium', nonce bytea = null
) returns bytea language sql immutable set search_path = '' as $$
  select pg_catalog.decode(pg_catalog.reverse(pg_catalog.encode(message, 'hex')), 'hex')
$$;

create or replace function vault._crypto_aead_det_decrypt(
  message bytea, additional bytea, key_id bigint, context bytea = 'pgsodium', nonce bytea = null
) returns bytea language sql immutable set search_path = '' as $$
  select pg_catalog.decode(pg_catalog.reverse(pg_catalog.encode(message, 'hex')), 'hex')
$$;

create or replace function vault._crypto_aead_det_noncegen() returns bytea language sql volatile as $$
  select pg_catalog.decode(pg_catalog.md5(pg_catalog.random()::text), 'hex')
$$;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default vault._crypto_aead_det_noncegen(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;

create or replace view vault.decrypted_secrets as
select s.id, s.name, s.description, s.secret,
  convert_from(
    vault._crypto_aead_det_decrypt(
      message := decode(s.secret, 'base64'),
      additional := convert_to(s.id::text, 'utf8'),
      key_id := 0,
      context := 'pgsodium'::bytea,
      nonce := s.nonce
    ),
    'utf8'
  ) as decrypted_secret,
  s.key_id, s.nonce, s.created_at, s.updated_at
from vault.secrets s;

create or replace function vault.create_secret(
  new_secret text, new_name text = null, new_description text = '', new_key_id uuid = null
) returns uuid language plpgsql security definer set search_path = '' as $$
declare
  created uuid;
begin
  insert into vault.secrets (secret, name, description) values ('', new_name, new_description)
  returning id into created;
  update vault.secrets
  set secret = pg_catalog.encode(
    vault._crypto_aead_det_encrypt(pg_catalog.convert_to(new_secret, 'utf8'), pg_catalog.convert_to(created::text, 'utf8'), 0),
    'base64'
  )
  where id = created;
  return created;
end
$$;

create or replace function vault.update_secret(
  secret_id uuid, new_secret text = null, new_name text = null, new_description text = null, new_key_id uuid = null
) returns void language plpgsql security definer set search_path = '' as $$
begin
  update vault.secrets s
  set secret = case when new_secret is null then s.secret else pg_catalog.encode(
        vault._crypto_aead_det_encrypt(pg_catalog.convert_to(new_secret, 'utf8'), pg_catalog.convert_to(s.id::text, 'utf8'), 0),
        'base64'
      ) end,
      name = coalesce(new_name, s.name),
      description = coalesce(new_description, s.description),
      updated_at = now()
  where s.id = secret_id;
end
$$;

revoke all on function
  vault._crypto_aead_det_encrypt, vault._crypto_aead_det_decrypt, vault._crypto_aead_det_noncegen,
  vault.create_secret, vault.update_secret
from public;
