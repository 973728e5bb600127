-- pgTAP: the schema's shape, its functions' hardening, and that Supabase's API roles can reach
-- nothing. Run by test/pgtap.test.ts with pg_prove against a freshly migrated database in
-- which the roles `anon` and `authenticated` exist.
begin;
select plan(67);

select has_schema('cronwarden');
select has_table('cronwarden', 'cron_execution_logs', 'one row per run');
select has_table('cronwarden', 'cron_job_state', 'one row per job');
select has_pk('cronwarden', 'cron_job_state', 'job state is keyed by job name');
select col_is_pk('cronwarden', 'cron_execution_logs', 'run_id', 'run ids are unique');
select col_type_is('cronwarden', 'cron_execution_logs', 'consecutive_failure_count', 'integer', 'failure counts are integers');
select col_type_is('cronwarden', 'cron_execution_logs', 'started_at', 'timestamp with time zone', 'times are timestamptz');
select col_type_is('cronwarden', 'cron_execution_logs', 'summary', 'jsonb', 'summaries are jsonb');
select has_index('cronwarden', 'cron_execution_logs', 'cron_execution_logs_job_started_idx', 'latest runs of a job are indexed');
select hasnt_index('cronwarden', 'cron_execution_logs', 'cron_execution_logs_running_idx', 'no index on status, so a finish is a HOT update');
select has_index('cronwarden', 'cron_execution_logs', 'cron_execution_logs_started_brin', 'time-range reads and purge go through a BRIN index on started_at');
select hasnt_table('public', 'cron_execution_logs', 'nothing lands in public');
select has_table('cronwarden', 'cron_alerts', 'the alert outbox');
select col_is_pk('cronwarden', 'cron_alerts', 'alert_id', 'alert entries have an id');
select has_index('cronwarden', 'cron_alerts', 'cron_alerts_pending_idx', 'claims read pending entries through a partial index');
select has_index('cronwarden', 'cron_alerts', 'cron_alerts_job_created_idx', 'latest alerts of a job are indexed');
select has_index('cronwarden', 'cron_alerts', 'cron_alerts_created_brin', 'purge finds old entries through a BRIN index on created_at');
select col_type_is('cronwarden', 'cron_alerts', 'notifiers', 'jsonb', 'per-notifier states are jsonb');
select hasnt_table('cronwarden', 'pg_cron_outbox', 'pg_cron ingestion writes alert entries, not an outbox of its own');
select is(
  (select array_agg(c.column_name::text order by c.column_name) from information_schema.columns c
   where c.table_schema = 'cronwarden' and c.table_name = 'cron_job_state' and c.column_name like 'previous%'),
  null,
  'no previous_* columns: nothing reads them'
);

select has_function('cronwarden', 'begin_run', array['text', 'text', 'integer', 'boolean', 'text', 'jsonb']);
select has_function('cronwarden', 'finish_run', array['text', 'text', 'text', 'text', 'jsonb', 'jsonb', 'timestamp with time zone', 'boolean']);
select has_function('cronwarden', 'heartbeat', array['text', 'text', 'integer']);
select has_function('cronwarden', 'list_runs', array['text', 'integer']);
select has_function('cronwarden', 'purge', array['integer', 'integer']);
select has_function('cronwarden', 'job_health', array['text[]', 'integer', 'bigint']);
select has_function('cronwarden', 'record_missed_run', array['text', 'text', 'bigint', 'bigint', 'text', 'jsonb', 'jsonb']);
select has_function('cronwarden', 'get_job', array['text']);
select has_function('cronwarden', 'mute_job', array['text', 'bigint']);
select col_type_is('cronwarden', 'cron_job_state', 'last_run_at', 'timestamp with time zone', 'the missed-run check reads the last run from the job''s row');
select col_type_is('cronwarden', 'cron_job_state', 'last_failure_at', 'timestamp with time zone', 'reminders are decided from the previous failure');
select col_type_is('cronwarden', 'cron_job_state', 'muted_until', 'timestamp with time zone', 'a job is muted until a time');
select col_type_is('cronwarden', 'cron_job_state', 'alert_muted_for', 'timestamp with time zone', 'the streak whose alert was muted');
select col_not_null('cronwarden', 'cron_alerts', 'muted', 'an entry is muted or not, decided when written');
select has_function('cronwarden', 'enqueue_alert', array['text', 'text', 'jsonb', 'jsonb']);
select has_function('cronwarden', 'claim_alerts', array['text[]', 'text[]', 'integer', 'bigint']);
select has_function('cronwarden', 'record_alert_outcome', array['text', 'text', 'text', 'jsonb']);
select has_function('cronwarden', 'list_alerts', array['text', 'integer']);
select has_function('cronwarden', 'ingest_pg_cron', array['text[]', 'text[]', 'bigint', 'jsonb', 'integer', 'timestamp with time zone']);
select has_function('cronwarden', 'track_pg_net', array['bigint']);
select has_function('cronwarden', 'revoke_public_access', array[]::text[]);
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden'
     and p.proname in ('record_deliveries', 'claim_pg_cron_transitions', 'ack_pg_cron_transitions')),
  null,
  'the functions of the removed delivery record and pg_cron outbox are gone'
);
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden' group by p.proname having count(*) > 1),
  null,
  'one signature per function: no stale overloads'
);
select is(
  (select count(*)::int from pg_catalog.pg_tables t
   where t.schemaname = 'cronwarden'
     and (has_table_privilege('anon', format('%I.%I', t.schemaname, t.tablename), 'select,insert,update,delete')
       or has_table_privilege('authenticated', format('%I.%I', t.schemaname, t.tablename), 'select,insert,update,delete'))),
  0,
  'no cronwarden table (alerts, cursors, tracked requests included) is reachable by the API roles'
);

select is(
  (select array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text) from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'cronwarden' and not coalesce(p.proconfig @> array['search_path=""'], false)),
  null,
  'every cronwarden function pins search_path to the empty string (0005 pinned the last three helpers)'
);
-- Supabase's Security Advisor, lint 0011 function_search_path_mutable (supabase/splinter): a
-- function not owned by an extension, outside the schemas Supabase manages, with no
-- search_path setting, or (the lint's earlier form) with one other than the empty string.
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_catalog.pg_proc p
   join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   left join pg_catalog.pg_depend dep on dep.objid = p.oid and dep.deptype = 'e'
   where n.nspname = 'cronwarden' and dep.objid is null
     and (not exists (select from unnest(coalesce(p.proconfig, '{}')) as config where config like 'search_path=%')
       or not coalesce(p.proconfig, '{}') && array['search_path=""'])),
  null,
  'the Security Advisor''s function_search_path_mutable lint finds no cronwarden function'
);
-- Error text: clipped as core's clipText clips it (test/store-text.test.ts compares the two).
select is(cronwarden.clip_error(repeat('a', 8000)), repeat('a', 8000), 'an error of 8000 characters is kept whole');
select is(
  cronwarden.clip_error(repeat('a', 8001)),
  repeat('a', 7972) || ' [truncated 29 characters]',
  'a longer one keeps its head and says how much was cut, within 8000 characters'
);
select cmp_ok(length(cronwarden.clip_error(repeat('é', 100000))), '<=', 8000, 'a clipped error fits in 8000 characters, marker included');
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
select table_privs_are('cronwarden', 'cron_alerts', 'anon', array[]::text[]);
select table_privs_are('cronwarden', 'cron_alerts', 'authenticated', array[]::text[]);
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
select throws_ok($$select cronwarden.claim_alerts(null, array['x'], 10, 1000)$$, '42501', null, 'authenticated cannot claim alerts');
reset role;

-- The owner (the role behind SUPABASE_DB_URL) can.
select lives_ok($$select cronwarden.list_runs('x', 10)$$, 'the owner can call the store''s functions');

select * from finish();
rollback;
