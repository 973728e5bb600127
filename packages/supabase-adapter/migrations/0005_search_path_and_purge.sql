-- cronwarden execution log, 0005: every function pins its search_path; purge also deletes the
-- pg_net requests track_pg_net recorded.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0004) or
-- applied by `migrate(db)`. Re-runnable.

-------------------------------------------------------------------------------------------
-- 1. The last three functions without a pinned search_path
-------------------------------------------------------------------------------------------

-- Supabase's Security Advisor (lint function_search_path_mutable) flags every function without
-- a search_path setting, in any schema Supabase does not manage. 0001 left three SQL helpers
-- unpinned on purpose, so that PostgreSQL would inline them into their callers (a SET clause
-- stops the inlining). Pinned now. Their bodies name only pg_catalog's functions, operators
-- and casts (searched first under any search_path, the empty one included), each other by
-- their qualified names, and cronwarden.cron_alerts by its qualified name.
--
-- And rewritten in PL/pgSQL, same expressions. A SQL function that is not inlined has its
-- body parsed and planned again in every transaction that calls it (PostgreSQL 15 keeps no
-- plan for it across statements), and each call site plans it once more: pinned as SQL, they
-- cost a failing begin and finish (with an alert entry for two notifiers) 1,033 µs of server
-- CPU instead of 833 µs. PL/pgSQL keeps a function's plans for the session: 867 µs, the
-- price of the settings save and restore the SET clause makes around each call. The two
-- readers that convert a time per row write the conversion out themselves now (below):
-- job_health made 20 calls per job (60 ms more for 1,000 jobs, on top of 95 ms), list_runs
-- three per run (50 ms more for 10,000 runs, on top of 200 ms).
create or replace function cronwarden.epoch_ms(ts timestamptz)
returns bigint
language plpgsql
immutable
set search_path = ''
as $$
begin
  return (extract(epoch from (ts at time zone 'UTC')) * 1000)::bigint;
end
$$;

create or replace function cronwarden.pending_state(p_notifier text, p_at timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'notifier', p_notifier,
    'status', 'pending',
    'attempts', 0,
    'last_error', null,
    'last_attempt_at', null,
    'next_attempt_at', cronwarden.epoch_ms(p_at)
  );
end
$$;

create or replace function cronwarden.alert_json(p_entry cronwarden.cron_alerts, p_now timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'alert_id', p_entry.alert_id::text,
    'job_name', p_entry.job_name,
    'run_id', p_entry.run_id,
    'created_at', cronwarden.epoch_ms(p_entry.created_at),
    'expires_at', cronwarden.epoch_ms(p_entry.expires_at),
    'expired', p_entry.expires_at <= p_now,
    'subject', p_entry.subject,
    'policy', p_entry.policy,
    'notifiers', p_entry.notifiers,
    'event_type', p_entry.event_type,
    'status', p_entry.status,
    'claim_token', p_entry.claim_token::text
  );
end
$$;

-- 0004's job_health and 0001's list_runs with epoch_ms's expression in place of each call
-- (the same result: epoch milliseconds, read through UTC wall time). Unchanged otherwise.
create or replace function cronwarden.job_health(
  p_jobs text[] default null,
  p_recent_runs integer default 20,
  p_expired_within_ms bigint default 604800000
)
returns json
language sql
stable
set search_path = ''
set jit = off
as $$
  select coalesce(json_agg(json_build_object(
      'job_name', job.job_name,
      'recent_runs', strip.runs,
      'consecutive_failure_count', job.consecutive_failure_count,
      'last_success_at', (extract(epoch from (job.last_success_at at time zone 'UTC')) * 1000)::bigint,
      'down_since', (extract(epoch from (job.down_since at time zone 'UTC')) * 1000)::bigint,
      'running', running.runs,
      'pending', coalesce(pending.pending, 0),
      'failed', coalesce(pending.failed, 0),
      'expired', expired.entries
    ) order by job.job_name collate "C"), '[]'::json)
  from cronwarden.cron_job_state as job
  -- [run_id, status, started_at, duration_ms]: arrays, not objects, to keep a thousand strips small.
  cross join lateral (
    select coalesce(json_agg(
        json_build_array(newest.run_id, newest.status, newest.started_ms, newest.duration_ms)
        order by newest.started_at, newest.id), '[]'::json) as runs
    from (
      select run.run_id, run.status, run.started_at, run.id, run.duration_ms,
        (extract(epoch from (run.started_at at time zone 'UTC')) * 1000)::bigint as started_ms
      from cronwarden.cron_execution_logs as run
      where run.job_name = job.job_name
      order by run.started_at desc, run.id desc
      limit greatest(p_recent_runs, 0)
    ) as newest
  ) as strip
  -- [run_id, started_at, lease_expires_at, host]; a lease without an end (infinity) as null.
  cross join lateral (
    select coalesce(json_agg(
        json_build_array(run.run_id,
          (extract(epoch from (run.started_at at time zone 'UTC')) * 1000)::bigint,
          case when pg_catalog.isfinite(run.lease_expires_at)
            then (extract(epoch from (run.lease_expires_at at time zone 'UTC')) * 1000)::bigint end,
          run.host)
        order by run.started_at, run.id), '[]'::json) as runs
    from cronwarden.cron_execution_logs as run
    where job.open_runs > 0
      and run.job_name = job.job_name
      and run.started_at >= coalesce(job.open_since, '-infinity')
      and run.status = 'running'
  ) as running
  left join (
    select entry.job_name,
      count(*) filter (where not entry.notifiers @> '[{"status": "failed"}]') as pending,
      count(*) filter (where entry.notifiers @> '[{"status": "failed"}]') as failed
    from cronwarden.cron_alerts as entry
    where entry.status = 'pending' and (p_jobs is null or entry.job_name = any (p_jobs))
    group by entry.job_name
  ) as pending on pending.job_name = job.job_name
  cross join lateral (
    select count(*) as entries
    from cronwarden.cron_alerts as entry
    where entry.job_name = job.job_name
      and entry.created_at > now() - p_expired_within_ms * interval '1 millisecond'
      and entry.status = 'expired'
  ) as expired
  where p_jobs is null or job.job_name = any (p_jobs)
$$;

create or replace function cronwarden.list_runs(p_job_name text, p_limit integer)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(row_json order by started_at desc, id desc), '[]'::jsonb)
  from (
    select
      run.started_at,
      run.id,
      jsonb_build_object(
        'run_id', run.run_id,
        'job_name', run.job_name,
        'status', run.status,
        'started_at', (extract(epoch from (run.started_at at time zone 'UTC')) * 1000)::bigint,
        'finished_at', (extract(epoch from (run.finished_at at time zone 'UTC')) * 1000)::bigint,
        'duration_ms', run.duration_ms,
        'error_message', run.error_message,
        'consecutive_failure_count', run.consecutive_failure_count,
        'last_success_at', (extract(epoch from (run.last_success_at at time zone 'UTC')) * 1000)::bigint,
        'holder_run_id', run.holder_run_id,
        'host', run.host,
        'summary', run.summary,
        'deliveries', run.deliveries
      ) as row_json
    from cronwarden.cron_execution_logs as run
    where run.job_name = p_job_name
    order by run.started_at desc, run.id desc
    limit greatest(p_limit, 0)
  ) as newest
$$;

-------------------------------------------------------------------------------------------
-- 2. Retention of tracked pg_net requests
-------------------------------------------------------------------------------------------

-- track_pg_net adds a row per request a scheduled command makes, and nothing deleted them: a
-- job tracked every minute added half a million a year. 0004's purge, now also deleting the
-- requests made before the cutoff (each belongs to a pg_cron run that started before it was
-- made, so that run is older than the cutoff too). Without p_batch_size the result is still the runs deleted;
-- with it, the rows deleted: finished runs first, then settled alert entries, then requests.
-- The table has no index on requested_at: it stays as small as the retention keeps it, and
-- a sequential scan of it once a day costs less than an index written on every request.
create or replace function cronwarden.purge(p_days integer, p_batch_size integer default null)
returns bigint
language plpgsql
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  v_cutoff timestamptz;
  v_runs bigint;
  v_entries bigint := 0;
  v_requests bigint := 0;
begin
  if p_days is null or p_days < 1 then
    raise exception 'purge: p_days must be at least 1, got %', p_days using errcode = '22023';
  end if;
  if p_batch_size < 1 then
    raise exception 'purge: p_batch_size must be at least 1 (or null for no limit), got %', p_batch_size
      using errcode = '22023';
  end if;
  v_cutoff := now() - p_days * interval '1 day';

  if p_batch_size is null then
    delete from cronwarden.cron_execution_logs
    where started_at < v_cutoff and status <> 'running';
    get diagnostics v_runs = row_count;
    delete from cronwarden.cron_alerts
    where created_at < v_cutoff and status <> 'pending';
    delete from cronwarden.pg_net_requests
    where requested_at < v_cutoff;
    return v_runs;
  end if;

  -- A batch: the rows are picked through the BRIN index and deleted by their tuple ids (a
  -- TID scan), so no join can turn into a scan of the whole table.
  delete from cronwarden.cron_execution_logs
  where ctid = any (array(
    select ctid from cronwarden.cron_execution_logs
    where started_at < v_cutoff and status <> 'running'
    limit p_batch_size
  ));
  get diagnostics v_runs = row_count;
  if v_runs < p_batch_size then
    delete from cronwarden.cron_alerts
    where ctid = any (array(
      select ctid from cronwarden.cron_alerts
      where created_at < v_cutoff and status <> 'pending'
      limit p_batch_size - v_runs
    ));
    get diagnostics v_entries = row_count;
  end if;
  if v_runs + v_entries < p_batch_size then
    delete from cronwarden.pg_net_requests
    where ctid = any (array(
      select ctid from cronwarden.pg_net_requests
      where requested_at < v_cutoff
      limit p_batch_size - v_runs - v_entries
    ));
    get diagnostics v_requests = row_count;
  end if;
  return v_runs + v_entries + v_requests;
end
$$;

select cronwarden.revoke_public_access();
