-- cronwarden execution log, 0004: a lighter begin and finish that need no VACUUM to stay fast.
-- Re-runnable.
--
-- Until 0003 a job's running runs were found through a partial index on status = 'running'.
-- Every finish changes status, so every finish was a non-HOT update: a new row version with
-- new entries in every index, leaving dead entries behind. With autovacuum late or off, and
-- the planner reading that index with a bitmap scan (which never marks entries dead), begins
-- slowed down as it filled: 27,000 dead entries read per begin after 120,000 runs of one job.
--
-- Now the job's row counts its runs still running (`open_runs`) and keeps a lower bound of
-- their start times (`open_since`). A begin with nothing running reads only the job's row;
-- otherwise it looks for running runs among the job's runs started since `open_since`,
-- through the (job_name, started_at) index, and recounts them. No indexed column changes at
-- finish, so a finish is a HOT update, which PostgreSQL cleans up page by page without VACUUM.
--
-- Every write of a job's row, and every close of one of its runs, happens under the job's
-- advisory transaction lock (begin_run and finish_run take it; abandoning and pg_cron
-- ingestion go through finish_run). Under it the functions read the rows and write them back
-- with short plain statements and no row locks (each would cost a WAL record, and one large
-- statement costs more to start than several small ones). Each statement sees what was
-- committed before the lock was granted because READ COMMITTED takes a snapshot per
-- statement, so both functions refuse to run at a stricter isolation level.

alter table cronwarden.cron_job_state add column if not exists open_runs integer not null default 0;
alter table cronwarden.cron_job_state add column if not exists open_since timestamptz;
comment on column cronwarden.cron_job_state.open_runs is
  'Runs of this job still running. Kept by begin_run and finish_run, under the job''s lock.';
comment on column cronwarden.cron_job_state.open_since is
  'No running run of this job started before this time (null when open_runs = 0).';

-- The job's lock, taken by begin_run and finish_run: everything that writes a job's row or
-- closes one of its runs goes through them. Transaction-scoped, so safe behind a pooler.
-- The lock only helps at READ COMMITTED, where each later statement reads with a fresh
-- snapshot; at a stricter level the caller's reads would predate the lock, so refuse.
create or replace function cronwarden.lock_job(p_job_name text, p_caller text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    raise exception '%: needs READ COMMITTED, the transaction is %',
      p_caller, pg_catalog.current_setting('transaction_isolation') using errcode = '25000';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('cronwarden.job:' || p_job_name, 0));
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
    where job_name = p_job_name
      and started_at >= coalesce((select open_since from cronwarden.cron_job_state where job_name = p_job_name), '-infinity')
      and status = 'running' and lease_expires_at <= p_now
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

-- beginRun: under the job's lock, close its expired runs as abandoned (each a failure), then
-- record a 'running' row (holding the job's lease when exclusive), or a 'skipped' row naming
-- the live holder.
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
  -- SELECT INTO sets every target to null when the job has no row yet.
  v_has_state boolean;
  v_count integer;
  v_last_success timestamptz;
  v_open_runs integer;
  v_open_since timestamptz;
  v_has_expired boolean := false;
  v_holder text;
  v_live integer := 0;
  v_oldest_live timestamptz;
  v_abandoned jsonb := '[]'::jsonb;
begin
  perform cronwarden.lock_job(p_job_name, 'begin_run');
  v_now := date_trunc('milliseconds', clock_timestamp());
  select true, consecutive_failure_count, last_success_at, open_runs, open_since
  into v_has_state, v_count, v_last_success, v_open_runs, v_open_since
  from cronwarden.cron_job_state where job_name = p_job_name;

  if v_open_runs > 0 then
    -- The job's running runs: any expired? Who holds the lease? How many are live, since when?
    select
      coalesce(bool_or(lease_expires_at <= v_now), false),
      (array_agg(run_id order by started_at, id) filter (where exclusive and lease_expires_at > v_now))[1],
      count(*) filter (where lease_expires_at > v_now),
      min(started_at) filter (where lease_expires_at > v_now)
    into v_has_expired, v_holder, v_live, v_oldest_live
    from cronwarden.cron_execution_logs
    where job_name = p_job_name and started_at >= coalesce(v_open_since, '-infinity') and status = 'running';

    if v_has_expired then
      v_abandoned := cronwarden.abandon_expired(p_job_name, v_now);
      -- Abandoning changed the streak (and may have freed the lease): read it again.
      select consecutive_failure_count, last_success_at into v_count, v_last_success
      from cronwarden.cron_job_state where job_name = p_job_name;
    end if;
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
    -- Recounted from the rows whenever runs were open, so a count off for any reason heals.
    -- least(): a clock stepped back must not put this run before the bound.
    if v_has_state then
      update cronwarden.cron_job_state
      set open_runs = v_live + 1, open_since = least(v_oldest_live, v_now)
      where job_name = p_job_name;
    else
      insert into cronwarden.cron_job_state (job_name, open_runs, open_since, updated_at)
      values (p_job_name, 1, v_now, v_now);
    end if;
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

-- finishRun: under the job's lock, closes one running run with the job's new streak, then
-- writes the streak to the job's row (which releases the run's lease). Returns the
-- transition, or null when the run is not running any more (a later run closed it as
-- abandoned), so an outcome is never counted twice. begin_run's abandon step and the pg_cron
-- ingestion call it too, with status 'abandoned' or the time the run really ended.
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
  v_succeeded boolean := p_status = 'succeeded';
  v_count integer;
  v_down_since timestamptz;
  v_last_success timestamptz;
  v_end timestamptz;
  v_new_count integer;
  v_started timestamptz;
  v_finished timestamptz;
  v_duration bigint;
  v_error text;
  v_new_down_since timestamptz;
  v_new_last_success timestamptz;
begin
  if p_status not in ('succeeded', 'failed', 'abandoned') then
    raise exception 'finish_run: p_status must be succeeded, failed or abandoned, got %', p_status
      using errcode = '22023';
  end if;
  perform cronwarden.lock_job(p_job_name, 'finish_run');
  select consecutive_failure_count, down_since, last_success_at into v_count, v_down_since, v_last_success
  from cronwarden.cron_job_state where job_name = p_job_name;
  v_count := coalesce(v_count, 0);
  v_new_count := case when v_succeeded then 0 else v_count + 1 end;
  v_end := coalesce(p_finished_at, date_trunc('milliseconds', clock_timestamp()));

  update cronwarden.cron_execution_logs as log set
    status = p_status,
    finished_at = greatest(v_end, log.started_at),
    duration_ms = cronwarden.epoch_ms(greatest(v_end, log.started_at)) - cronwarden.epoch_ms(log.started_at),
    lease_expires_at = null,
    error_message = cronwarden.clip_error(p_error_message),
    consecutive_failure_count = v_new_count,
    last_success_at = case when v_succeeded then greatest(v_end, log.started_at) else v_last_success end,
    summary = p_summary
  where log.run_id = p_run_id and log.job_name = p_job_name and log.status = 'running'
  returning log.started_at, log.finished_at, log.duration_ms, log.error_message
  into v_started, v_finished, v_duration, v_error;
  if not found then
    return null;
  end if;

  -- down_since: the start of the streak's first failure; a success ends the streak.
  v_new_down_since := case when v_succeeded then null when v_count = 0 then v_started else v_down_since end;
  v_new_last_success := case when v_succeeded then v_finished else v_last_success end;
  update cronwarden.cron_job_state set
    consecutive_failure_count = v_new_count,
    last_success_at = v_new_last_success,
    down_since = v_new_down_since,
    updated_at = v_finished,
    -- Not below 0: pg_cron ingestion closes rows it inserted itself, without begin_run.
    open_runs = greatest(open_runs - 1, 0),
    open_since = case when open_runs <= 1 then null else open_since end
  where job_name = p_job_name;
  if not found then
    -- A job whose runs never went through begin_run (pg_cron ingestion) gets its row here.
    insert into cronwarden.cron_job_state (job_name, consecutive_failure_count, last_success_at, down_since, updated_at)
    values (p_job_name, v_new_count, v_new_last_success, v_new_down_since, v_finished);
  end if;

  -- The transition as JSON for the store (StreakTransition).
  return jsonb_build_object(
    'run_id', p_run_id,
    'status', p_status,
    'started_at', cronwarden.epoch_ms(v_started),
    'finished_at', cronwarden.epoch_ms(v_finished),
    'duration_ms', v_duration,
    'error_message', v_error,
    'previous_failure_count', v_count,
    'consecutive_failure_count', v_new_count,
    'last_success_at', cronwarden.epoch_ms(v_new_last_success),
    -- For a success: the start of the streak it ended.
    'down_since', cronwarden.epoch_ms(case when v_succeeded then v_down_since else v_new_down_since end)
  );
end
$$;

-- Jobs with runs running when this migration runs get their count and bound; then the
-- partial index and the columns the old finish_run needed go.
insert into cronwarden.cron_job_state as state (job_name, open_runs, open_since)
select job_name, count(*), min(started_at) from cronwarden.cron_execution_logs where status = 'running' group by job_name
on conflict (job_name) do update set open_runs = excluded.open_runs, open_since = excluded.open_since;

drop index if exists cronwarden.cron_execution_logs_running_idx;
alter table cronwarden.cron_job_state
  drop column if exists previous_failure_count,
  drop column if exists previous_down_since;

select cronwarden.revoke_public_access();
