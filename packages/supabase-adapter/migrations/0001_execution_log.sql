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

-- One row per job: the streak, and which run holds the job's lease.
create table if not exists cronwarden.cron_job_state (
  job_name text primary key,
  consecutive_failure_count integer not null default 0 check (consecutive_failure_count >= 0),
  last_success_at timestamptz,
  -- Start of the first failed run of the current streak (null while healthy).
  down_since timestamptz,
  -- The run holding the job's lease; the lease is live while that run is 'running' with an
  -- unexpired lease_expires_at (a crashed holder frees the job when its lease expires).
  lock_run_id text,
  updated_at timestamptz not null default now()
);

-- One row per run, as the mission names it.
create table if not exists cronwarden.cron_execution_logs (
  id bigint generated always as identity primary key,
  run_id text not null unique,
  job_name text not null,
  status text not null check (status in ('running', 'succeeded', 'failed', 'skipped', 'abandoned')),
  started_at timestamptz not null,
  finished_at timestamptz,
  duration_ms bigint,
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
);

-- "Latest runs of job X" (listRuns, dashboards).
create index if not exists cron_execution_logs_job_started_idx
  on cronwarden.cron_execution_logs (job_name, started_at desc, id desc);
-- Runs that may need closing as abandoned; small, since few rows are ever running.
create index if not exists cron_execution_logs_running_idx
  on cronwarden.cron_execution_logs (job_name, lease_expires_at)
  where status = 'running';
-- Retention deletes by age.
create index if not exists cron_execution_logs_started_idx
  on cronwarden.cron_execution_logs (started_at);

-- Epoch milliseconds: a timezone-free, driver-independent way to hand times to JavaScript.
create or replace function cronwarden.epoch_ms(ts timestamptz)
returns bigint
language sql
immutable
set search_path = ''
as $$ select (extract(epoch from ts) * 1000)::bigint $$;

-- Error messages are stored whole up to 8000 characters; longer ones keep their head and a
-- marker saying how much was cut, so one runaway stack trace cannot bloat the log.
create or replace function cronwarden.clip_error(message text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when message is null or length(message) <= 8000 then message
    else left(message, 8000) || format(' [truncated %s characters]', length(message) - 8000)
  end
$$;

-- A run's transition as JSON for the store (see StreakTransition in @cronwarden/core).
create or replace function cronwarden.transition_json(
  run cronwarden.cron_execution_logs,
  previous_failure_count integer,
  down_since timestamptz
)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'run_id', run.run_id,
    'status', run.status,
    'started_at', cronwarden.epoch_ms(run.started_at),
    'finished_at', cronwarden.epoch_ms(run.finished_at),
    'duration_ms', run.duration_ms,
    'error_message', run.error_message,
    'previous_failure_count', previous_failure_count,
    'consecutive_failure_count', run.consecutive_failure_count,
    'last_success_at', cronwarden.epoch_ms(run.last_success_at),
    'down_since', cronwarden.epoch_ms(down_since)
  )
$$;

-- beginRun: close this job's expired runs as abandoned (each a failure), then take the
-- lease (exclusive) and record a 'running' row, or record a 'skipped' row naming the holder.
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
  v_state cronwarden.cron_job_state;
  v_run cronwarden.cron_execution_logs;
  v_now timestamptz;
  v_previous integer;
  v_abandoned jsonb := '[]'::jsonb;
  v_holder text;
begin
  -- Serialises every begin of this job (transaction-scoped, so safe behind a pooler).
  perform pg_advisory_xact_lock(hashtextextended('cronwarden.job:' || p_job_name, 0));
  v_now := date_trunc('milliseconds', clock_timestamp());

  insert into cronwarden.cron_job_state (job_name) values (p_job_name) on conflict (job_name) do nothing;
  select * into strict v_state from cronwarden.cron_job_state where job_name = p_job_name for update;

  for v_run in
    select * from cronwarden.cron_execution_logs
    where job_name = p_job_name and status = 'running' and lease_expires_at <= v_now
    order by started_at, id
    for update
  loop
    v_previous := v_state.consecutive_failure_count;
    v_state.consecutive_failure_count := v_previous + 1;
    if v_previous = 0 then
      v_state.down_since := v_run.started_at;
    end if;
    if v_state.lock_run_id = v_run.run_id then
      v_state.lock_run_id := null;
    end if;
    -- The lease's end is the latest moment the run was known to be alive.
    update cronwarden.cron_execution_logs set
      status = 'abandoned',
      finished_at = v_run.lease_expires_at,
      duration_ms = cronwarden.epoch_ms(v_run.lease_expires_at) - cronwarden.epoch_ms(v_run.started_at),
      lease_expires_at = null,
      error_message = 'Run abandoned: its lease expired at '
        || to_char(v_run.lease_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        || ' without a heartbeat (the process likely crashed or stalled)',
      consecutive_failure_count = v_state.consecutive_failure_count,
      last_success_at = v_state.last_success_at
    where id = v_run.id
    returning * into v_run;
    v_abandoned := v_abandoned || cronwarden.transition_json(v_run, v_previous, v_state.down_since);
  end loop;

  if p_exclusive and v_state.lock_run_id is not null then
    select run_id into v_holder from cronwarden.cron_execution_logs
    where run_id = v_state.lock_run_id and status = 'running';
  end if;

  if v_holder is not null then
    insert into cronwarden.cron_execution_logs
      (run_id, job_name, status, started_at, finished_at, duration_ms, holder_run_id, host, last_success_at)
    values
      (p_run_id, p_job_name, 'skipped', v_now, v_now, 0, v_holder, p_host, v_state.last_success_at);
  else
    insert into cronwarden.cron_execution_logs
      (run_id, job_name, status, started_at, lease_expires_at, host, last_success_at)
    values
      (p_run_id, p_job_name, 'running', v_now, v_now + p_lease_ms * interval '1 millisecond', p_host,
       v_state.last_success_at);
    if p_exclusive then
      v_state.lock_run_id := p_run_id;
    end if;
  end if;

  update cronwarden.cron_job_state set
    consecutive_failure_count = v_state.consecutive_failure_count,
    down_since = v_state.down_since,
    lock_run_id = v_state.lock_run_id,
    updated_at = v_now
  where job_name = p_job_name;

  return jsonb_build_object(
    'outcome', case when v_holder is null then 'started' else 'skipped' end,
    'started_at', cronwarden.epoch_ms(v_now),
    'holder_run_id', v_holder,
    'consecutive_failure_count', v_state.consecutive_failure_count,
    'last_success_at', cronwarden.epoch_ms(v_state.last_success_at),
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

-- finishRun: close a running run, update the streak, release the lease. Null when the run is
-- not running any more (a later run closed it as abandoned): its outcome is not counted twice.
create or replace function cronwarden.finish_run(
  p_job_name text,
  p_run_id text,
  p_status text,
  p_error_message text,
  p_summary jsonb
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_state cronwarden.cron_job_state;
  v_run cronwarden.cron_execution_logs;
  v_now timestamptz;
  v_previous integer;
  v_streak_start timestamptz;
begin
  if p_status not in ('succeeded', 'failed') then
    raise exception 'finish_run: p_status must be succeeded or failed, got %', p_status
      using errcode = '22023';
  end if;
  -- Lock order everywhere: job state first, then log rows (begin_run does the same).
  select * into v_state from cronwarden.cron_job_state where job_name = p_job_name for update;
  if not found then
    return null;
  end if;
  select * into v_run from cronwarden.cron_execution_logs
  where run_id = p_run_id and job_name = p_job_name and status = 'running'
  for update;
  if not found then
    return null;
  end if;

  v_now := greatest(date_trunc('milliseconds', clock_timestamp()), v_run.started_at);
  v_previous := v_state.consecutive_failure_count;
  v_streak_start := v_state.down_since;
  if p_status = 'succeeded' then
    v_state.consecutive_failure_count := 0;
    v_state.last_success_at := v_now;
    v_state.down_since := null;
  else
    v_state.consecutive_failure_count := v_previous + 1;
    if v_previous = 0 then
      v_state.down_since := v_run.started_at;
    end if;
    v_streak_start := v_state.down_since;
  end if;
  if v_state.lock_run_id = p_run_id then
    v_state.lock_run_id := null;
  end if;

  update cronwarden.cron_job_state set
    consecutive_failure_count = v_state.consecutive_failure_count,
    last_success_at = v_state.last_success_at,
    down_since = v_state.down_since,
    lock_run_id = v_state.lock_run_id,
    updated_at = v_now
  where job_name = p_job_name;

  update cronwarden.cron_execution_logs set
    status = p_status,
    finished_at = v_now,
    duration_ms = cronwarden.epoch_ms(v_now) - cronwarden.epoch_ms(v_run.started_at),
    lease_expires_at = null,
    error_message = cronwarden.clip_error(p_error_message),
    consecutive_failure_count = v_state.consecutive_failure_count,
    last_success_at = v_state.last_success_at,
    summary = p_summary
  where id = v_run.id
  returning * into v_run;

  return cronwarden.transition_json(v_run, v_previous, v_streak_start);
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

-- Functions are executable by PUBLIC by default; only the owner may call these.
revoke all on all functions in schema cronwarden from public;
revoke all on all tables in schema cronwarden from public;
alter default privileges in schema cronwarden revoke execute on functions from public;

-- Supabase grants its API roles broad defaults in some schemas; make sure none reach this one.
do $$
declare
  api_role text;
begin
  foreach api_role in array array['anon', 'authenticated'] loop
    if exists (select from pg_catalog.pg_roles where rolname = api_role) then
      execute format('revoke all on schema cronwarden from %I', api_role);
      execute format('revoke all on all tables in schema cronwarden from %I', api_role);
      execute format('revoke all on all sequences in schema cronwarden from %I', api_role);
      execute format('revoke all on all functions in schema cronwarden from %I', api_role);
    end if;
  end loop;
end
$$;
