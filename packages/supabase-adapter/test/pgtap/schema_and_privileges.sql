-- pgTAP: the schema's shape, its functions' hardening, and that Supabase's API roles can reach
-- nothing. Run by test/pgtap.test.ts with pg_prove against a freshly migrated database in
-- which the roles `anon` and `authenticated` exist.
begin;
select plan(41);

select has_schema('cronwarden');
select has_table('cronwarden', 'cron_execution_logs', 'one row per run');
select has_table('cronwarden', 'cron_job_state', 'one row per job');
select has_pk('cronwarden', 'cron_job_state', 'job state is keyed by job name');
select col_is_pk('cronwarden', 'cron_execution_logs', 'run_id', 'run ids are unique');
select col_type_is('cronwarden', 'cron_execution_logs', 'consecutive_failure_count', 'integer', 'the mission''s column');
select col_type_is('cronwarden', 'cron_execution_logs', 'started_at', 'timestamp with time zone', 'times are timestamptz');
select col_type_is('cronwarden', 'cron_execution_logs', 'summary', 'jsonb', 'summaries are jsonb');
select has_index('cronwarden', 'cron_execution_logs', 'cron_execution_logs_job_started_idx', 'latest runs of a job are indexed');
select hasnt_index('cronwarden', 'cron_execution_logs', 'cron_execution_logs_running_idx', 'no index on status, so a finish is a HOT update');
select hasnt_table('public', 'cron_execution_logs', 'nothing lands in public');

select has_function('cronwarden', 'begin_run', array['text', 'text', 'integer', 'boolean', 'text']);
select has_function('cronwarden', 'finish_run', array['text', 'text', 'text', 'text', 'jsonb', 'timestamp with time zone']);
select has_function('cronwarden', 'heartbeat', array['text', 'text', 'integer']);
select has_function('cronwarden', 'record_deliveries', array['text', 'jsonb']);
select has_function('cronwarden', 'list_runs', array['text', 'integer']);
select has_function('cronwarden', 'purge', array['integer']);
select has_function('cronwarden', 'record_missed_run', array['text', 'text', 'bigint', 'bigint', 'text']);
select has_function('cronwarden', 'ingest_pg_cron', array['text[]', 'text[]', 'bigint']);
select has_function('cronwarden', 'claim_pg_cron_transitions', array['integer', 'bigint']);
select has_function('cronwarden', 'ack_pg_cron_transitions', array['bigint[]']);
select has_function('cronwarden', 'track_pg_net', array['bigint']);
select has_function('cronwarden', 'revoke_public_access', array[]::text[]);
select is(
  (select count(*)::int from pg_catalog.pg_tables t
   where t.schemaname = 'cronwarden'
     and (has_table_privilege('anon', format('%I.%I', t.schemaname, t.tablename), 'select,insert,update,delete')
       or has_table_privilege('authenticated', format('%I.%I', t.schemaname, t.tablename), 'select,insert,update,delete'))),
  0,
  'no cronwarden table (outbox, cursors, tracked requests included) is reachable by the API roles'
);

select is(
  (select array_agg(p.proname::text order by p.proname) from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden' and not coalesce(p.proconfig @> array['search_path=""'], false)),
  array['clip_error', 'epoch_ms'],
  'every cronwarden function pins search_path to the empty string, except the inlinable immutable helpers'
);
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden' and p.proname in ('clip_error', 'epoch_ms')
     and p.prolang = (select oid from pg_catalog.pg_language where lanname = 'sql') and p.provolatile = 'i'),
  array['clip_error', 'epoch_ms'],
  'the helpers without a pinned search_path are immutable SQL expressions'
);
select is(
  (select count(*)::int from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden' and p.prosecdef),
  0,
  'no function is SECURITY DEFINER'
);

-- Declared privileges: none for the API roles, none for PUBLIC.
select schema_privs_are('cronwarden', 'anon', array[]::text[], 'anon has no privilege on the schema');
select schema_privs_are('cronwarden', 'authenticated', array[]::text[], 'authenticated has no privilege on the schema');
select table_privs_are('cronwarden', 'cron_execution_logs', 'anon', array[]::text[]);
select table_privs_are('cronwarden', 'cron_execution_logs', 'authenticated', array[]::text[]);
select table_privs_are('cronwarden', 'cron_job_state', 'anon', array[]::text[]);
select table_privs_are('cronwarden', 'cron_job_state', 'authenticated', array[]::text[]);
select is(
  (select count(*)::int from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden'
     and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))),
  0,
  'neither API role may execute any cronwarden function'
);

-- And in practice, as each role.
set local role anon;
select throws_ok('select * from cronwarden.cron_execution_logs', '42501', null, 'anon cannot read the log');
select throws_ok($$insert into cronwarden.cron_job_state (job_name) values ('x')$$, '42501', null, 'anon cannot write job state');
select throws_ok($$select cronwarden.begin_run('x', 'r', 1000, true, null)$$, '42501', null, 'anon cannot call begin_run');
reset role;

set local role authenticated;
select throws_ok('select * from cronwarden.cron_job_state', '42501', null, 'authenticated cannot read job state');
select throws_ok($$update cronwarden.cron_execution_logs set status = 'succeeded'$$, '42501', null, 'authenticated cannot change the log');
select throws_ok($$select cronwarden.list_runs('x', 10)$$, '42501', null, 'authenticated cannot call list_runs');
reset role;

-- The owner (the role behind SUPABASE_DB_URL) can.
select lives_ok($$select cronwarden.list_runs('x', 10)$$, 'the owner can call the store''s functions');

select * from finish();
rollback;
