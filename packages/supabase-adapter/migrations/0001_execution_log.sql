-- cronwarden execution log, 0001: tables, indexes and the store's functions.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations) or applied by
-- `migrate(db)`. Re-runnable: every statement is idempotent.
--
-- Everything lives in its own schema, not `public`, so the Supabase Data API does not expose
-- it, and no privilege is granted to `anon` or `authenticated` (or PUBLIC). Callers connect
-- as the schema owner (the `postgres` role behind SUPABASE_DB_URL).
--
-- Each store operation is ONE function call, so it is one round trip and one transaction,
-- needs no session state, and works through a transaction-mode pooler. Timestamps are
-- truncated to milliseconds, the precision JavaScript can hold, so durations computed here
-- and in JavaScript agree.

create schema if not exists cronwarden;
revoke all on schema cronwarden from public;

-- One row per job: the streak. `previous_*` keep the values the last update replaced, so
-- one atomic upsert can report what a run changed (PostgreSQL 15 has no OLD in RETURNING).
create table if not exists cronwarden.cron_job_state (
  job_name text primary key,
  consecutive_failure_count integer not null default 0 check (consecutive_failure_count >= 0),
  last_success_at timestamptz,
  -- Start of the first failed run of the current streak (null while healthy).
  down_since timestamptz,
  previous_failure_count integer not null default 0,
  previous_down_since timestamptz,
  updated_at timestamptz not null default now()
)
-- Every finish updates its job's row: leave room on the page for HOT updates.
with (fillfactor = 50);

-- One row per run, as the mission names it.
create table if not exists cronwarden.cron_execution_logs (
  run_id text primary key,
  -- Insertion order, to order runs that started in the same millisecond.
  id bigint generated always as identity,
  job_name text not null,
  status text not null check (status in ('running', 'succeeded', 'failed', 'skipped', 'abandoned')),
  -- Whether the run holds the job's lease: a live exclusive run makes others 'skipped'.
  exclusive boolean not null default false,
  started_at timestamptz not null,
  finished_at timestamptz,
  duration_ms bigint,
  -- While running: without a heartbeat by then, the run counts as crashed.
  lease_expires_at timestamptz,
  error_message text,
  -- The job's streak after this run closed: null while running and for skipped rows.
  consecutive_failure_count integer,
  last_success_at timestamptz,
  -- For skipped rows: the run that held the lease.
  holder_run_id text,
  -- Host name or invocation id of the process that ran it.
  host text,
  summary jsonb,
  deliveries jsonb not null default '[]'::jsonb
)
-- Heartbeats and delivery records update rows in place: leave room for HOT updates.
with (fillfactor = 90);

-- "Latest runs of job X" (listRuns, dashboards).
create index if not exists cron_execution_logs_job_started_idx
  on cronwarden.cron_execution_logs (job_name, started_at desc, id desc);
-- Running runs of a job (the lease holder, expired runs); small, since few rows are ever
-- running. lease_expires_at stays out of it so heartbeats are HOT updates.
create index if not exists cron_execution_logs_running_idx
  on cronwarden.cron_execution_logs (job_name)
  where status = 'running';

-- Small expression helpers. They are plain SQL without a pinned search_path ON PURPOSE: that
-- lets PostgreSQL inline them into the calling statement (a SET clause prevents inlining and
-- costs a settings save/restore per call). They only call pg_catalog built-ins, which are
-- always resolved first, and are only used by the functions below, which pin search_path.

-- Epoch milliseconds: a timezone-free, driver-independent way to hand times to JavaScript.
-- Read through UTC wall time because extract() on timestamptz is only STABLE, and a body
-- more volatile than its declaration is never inlined (it would run as a separate query).
create or replace function cronwarden.epoch_ms(ts timestamptz)
returns bigint
language sql
immutable
as $$ select (extract(epoch from (ts at time zone 'UTC')) * 1000)::bigint $$;

-- Error messages are stored whole up to 8000 characters; longer ones keep their head and a
-- marker saying how much was cut, so one runaway stack trace cannot bloat the log.
create or replace function cronwarden.clip_error(message text)
returns text
language sql
immutable
as $$
  select case
    when message is null or length(message) <= 8000 then message
    -- Concatenation, not format(): format() is only STABLE and would stop the inlining.
    else left(message, 8000) || ' [truncated ' || (length(message) - 8000)::text || ' characters]'
  end
$$;

-- Closes this job's runs whose lease expired as 'abandoned', each counted as a failure, and
-- returns their transitions (oldest first). Called by begin_run under the job's lock.
create or replace function cronwarden.abandon_expired(p_job_name text, p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_run record;
  v_abandoned jsonb := '[]'::jsonb;
begin
  for v_run in
    select run_id, lease_expires_at from cronwarden.cron_execution_logs
    where job_name = p_job_name and status = 'running' and lease_expires_at <= p_now
    order by started_at, id
  loop
    -- The lease's end is the latest moment the run was known to be alive.
    v_abandoned := v_abandoned || cronwarden.finish_run(
      p_job_name,
      v_run.run_id,
      'abandoned',
      'Run abandoned: its lease expired at '
        || to_char(v_run.lease_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        || ' without a heartbeat (the process likely crashed or stalled)',
      null,
      v_run.lease_expires_at
    );
  end loop;
  return v_abandoned;
end
$$;

-- beginRun: close this job's expired runs as abandoned (each a failure), then record a
-- 'running' row (holding the job's lease when exclusive), or a 'skipped' row naming the
-- live holder.
create or replace function cronwarden.begin_run(
  p_job_name text,
  p_run_id text,
  p_lease_ms integer,
  p_exclusive boolean,
  p_host text
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz;
  v_abandoned jsonb := '[]'::jsonb;
  v_has_expired boolean;
  v_holder text;
  v_count integer;
  v_last_success timestamptz;
begin
  -- Serialises the begins of one job (transaction-scoped, so safe behind a pooler): the
  -- holder check and the insert below cannot interleave with another begin's.
  perform pg_advisory_xact_lock(hashtextextended('cronwarden.job:' || p_job_name, 0));
  v_now := date_trunc('milliseconds', clock_timestamp());

  -- One look at the job: its running runs (any expired? who holds the lease?) and its streak.
  select running.has_expired, running.holder, state.consecutive_failure_count, state.last_success_at
  into v_has_expired, v_holder, v_count, v_last_success
  from (
    select
      coalesce(bool_or(lease_expires_at <= v_now), false) as has_expired,
      (array_agg(run_id order by started_at) filter (where exclusive and lease_expires_at > v_now))[1] as holder
    from cronwarden.cron_execution_logs
    where job_name = p_job_name and status = 'running'
  ) as running
  left join cronwarden.cron_job_state as state on state.job_name = p_job_name;

  if v_has_expired then
    v_abandoned := cronwarden.abandon_expired(p_job_name, v_now);
    -- Abandoning changed the streak (and may have freed the lease): read the job's row again.
    select consecutive_failure_count, last_success_at into v_count, v_last_success
    from cronwarden.cron_job_state where job_name = p_job_name;
  end if;
  if not p_exclusive then
    v_holder := null;
  end if;

  if v_holder is not null then
    insert into cronwarden.cron_execution_logs
      (run_id, job_name, status, started_at, finished_at, duration_ms, holder_run_id, host, last_success_at)
    values
      (p_run_id, p_job_name, 'skipped', v_now, v_now, 0, v_holder, p_host, v_last_success);
  else
    insert into cronwarden.cron_execution_logs
      (run_id, job_name, status, exclusive, started_at, lease_expires_at, host, last_success_at)
    values
      (p_run_id, p_job_name, 'running', p_exclusive, v_now, v_now + p_lease_ms * interval '1 millisecond', p_host,
       v_last_success);
  end if;

  return jsonb_build_object(
    'outcome', case when v_holder is null then 'started' else 'skipped' end,
    'started_at', cronwarden.epoch_ms(v_now),
    'holder_run_id', v_holder,
    'consecutive_failure_count', coalesce(v_count, 0),
    'last_success_at', cronwarden.epoch_ms(v_last_success),
    'abandoned', v_abandoned
  );
end
$$;

-- heartbeat: extend a running run's lease; false once the run is closed.
create or replace function cronwarden.heartbeat(p_job_name text, p_run_id text, p_lease_ms integer)
returns boolean
language sql
set search_path = ''
as $$
  with renewed as (
    update cronwarden.cron_execution_logs
    set lease_expires_at = date_trunc('milliseconds', clock_timestamp()) + p_lease_ms * interval '1 millisecond'
    where run_id = p_run_id and job_name = p_job_name and status = 'running'
    returning 1
  )
  select exists (select 1 from renewed)
$$;

-- finishRun: close a running run, add it to the streak (which releases its lease). Null when
-- the run is not running any more (a later run closed it as abandoned): its outcome is not
-- counted twice.
-- finishRun: closes one running run and adds it to the job's streak (which releases its
-- lease), in one statement: lock the run (only if still running), upsert the job's row
-- (previous_* keep what it replaced), close the run's row with the new count. Returns the
-- transition, or null when the run is not running any more (a later run closed it as
-- abandoned), so an outcome is never counted twice. begin_run's abandon step and the pg_cron
-- ingestion call it too, with status 'abandoned' or the time the run really ended.
-- Lock order, here and everywhere: run row, then job row.
create or replace function cronwarden.finish_run(
  p_job_name text,
  p_run_id text,
  p_status text,
  p_error_message text,
  p_summary jsonb,
  p_finished_at timestamptz default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if p_status not in ('succeeded', 'failed', 'abandoned') then
    raise exception 'finish_run: p_status must be succeeded, failed or abandoned, got %', p_status
      using errcode = '22023';
  end if;
  with run as (
    select run_id, started_at,
      greatest(coalesce(p_finished_at, date_trunc('milliseconds', clock_timestamp())), started_at) as finished_at
    from cronwarden.cron_execution_logs
    where run_id = p_run_id and job_name = p_job_name and status = 'running'
    for update
  ), state as (
    insert into cronwarden.cron_job_state as state
      (job_name, consecutive_failure_count, last_success_at, down_since, updated_at)
    select
      p_job_name,
      case when p_status = 'succeeded' then 0 else 1 end,
      case when p_status = 'succeeded' then run.finished_at end,
      case when p_status = 'succeeded' then null else run.started_at end,
      run.finished_at
    from run
    on conflict (job_name) do update set
      previous_failure_count = state.consecutive_failure_count,
      previous_down_since = state.down_since,
      consecutive_failure_count = case when p_status = 'succeeded' then 0 else state.consecutive_failure_count + 1 end,
      last_success_at = case when p_status = 'succeeded' then excluded.updated_at else state.last_success_at end,
      down_since = case
        when p_status = 'succeeded' then null
        when state.consecutive_failure_count = 0 then excluded.down_since
        else state.down_since
      end,
      updated_at = excluded.updated_at
    returning state.*
  ), closed as (
    update cronwarden.cron_execution_logs as log set
      status = p_status,
      finished_at = run.finished_at,
      duration_ms = cronwarden.epoch_ms(run.finished_at) - cronwarden.epoch_ms(run.started_at),
      lease_expires_at = null,
      error_message = cronwarden.clip_error(p_error_message),
      consecutive_failure_count = state.consecutive_failure_count,
      last_success_at = state.last_success_at,
      summary = p_summary
    from run, state
    where log.run_id = run.run_id
    returning log.*
  )
  -- The transition as JSON for the store (StreakTransition), built inline: a SQL function
  -- taking the two rows would be planned again on every call.
  select jsonb_build_object(
    'run_id', closed.run_id,
    'status', closed.status,
    'started_at', cronwarden.epoch_ms(closed.started_at),
    'finished_at', cronwarden.epoch_ms(closed.finished_at),
    'duration_ms', closed.duration_ms,
    'error_message', closed.error_message,
    'previous_failure_count', state.previous_failure_count,
    'consecutive_failure_count', state.consecutive_failure_count,
    'last_success_at', cronwarden.epoch_ms(state.last_success_at),
    -- For a success: the start of the streak it ended.
    'down_since', cronwarden.epoch_ms(case when closed.status = 'succeeded' then state.previous_down_since else state.down_since end)
  )
  into v_result
  from closed, state;
  return v_result;
end
$$;

-- recordDeliveries: append delivery outcomes to a run.
create or replace function cronwarden.record_deliveries(p_run_id text, p_deliveries jsonb)
returns void
language sql
set search_path = ''
as $$
  update cronwarden.cron_execution_logs
  set deliveries = deliveries || p_deliveries
  where run_id = p_run_id
$$;

-- listRuns: the newest runs of a job, as one JSON array.
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
        'started_at', cronwarden.epoch_ms(run.started_at),
        'finished_at', cronwarden.epoch_ms(run.finished_at),
        'duration_ms', run.duration_ms,
        'error_message', run.error_message,
        'consecutive_failure_count', run.consecutive_failure_count,
        'last_success_at', cronwarden.epoch_ms(run.last_success_at),
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

-- Retention: delete finished rows older than p_days days; running rows are always kept.
-- Schedule it with pg_cron: select cron.schedule('cronwarden-purge', '17 3 * * *',
--   $cmd$select cronwarden.purge(90)$cmd$);
create or replace function cronwarden.purge(p_days integer)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_deleted bigint;
begin
  if p_days is null or p_days < 1 then
    raise exception 'purge: p_days must be at least 1, got %', p_days using errcode = '22023';
  end if;
  delete from cronwarden.cron_execution_logs
  where started_at < now() - p_days * interval '1 day' and status <> 'running';
  get diagnostics v_deleted = row_count;
  return v_deleted;
end
$$;

-- Locks the schema down to its owner: functions are executable by PUBLIC by default, and
-- Supabase grants its API roles broad defaults in some schemas. Every migration ends with a
-- call, so objects it added are covered too.
create or replace function cronwarden.revoke_public_access()
returns void
language plpgsql
set search_path = ''
as $$
declare
  grantee text;
begin
  foreach grantee in array array['public', 'anon', 'authenticated'] loop
    if grantee = 'public' or exists (select from pg_catalog.pg_roles where rolname = grantee) then
      execute format('revoke all on schema cronwarden from %s', grantee);
      execute format('revoke all on all tables in schema cronwarden from %s', grantee);
      execute format('revoke all on all sequences in schema cronwarden from %s', grantee);
      execute format('revoke all on all functions in schema cronwarden from %s', grantee);
    end if;
  end loop;
end
$$;

alter default privileges in schema cronwarden revoke execute on functions from public;
select cronwarden.revoke_public_access();
