-- cronwarden execution log, 0003: a begin can be repeated with the same run id.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0002) or
-- applied by `migrate(db)`. Re-runnable.
--
-- The store retries a call once when its connection turned out to be dead (terminated by
-- the server, a restart, a pooler failover). For begin_run the first attempt may have
-- committed before the connection died (the network lost only the reply). In 0001 the
-- retry then failed on the run id's primary key, so the job did not run and its 'running'
-- row later closed as abandoned, a failure that never happened. Now a begin that finds its
-- own run id answers as it did the first time and writes nothing. Unchanged otherwise.

create or replace function cronwarden.begin_run(
  p_job_name text,
  p_run_id text,
  p_lease_ms integer,
  p_exclusive boolean,
  p_host text,
  p_alert jsonb default null
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
  v_pending integer;
  v_has_expired boolean := false;
  v_holder text;
  v_live integer := 0;
  v_oldest_live timestamptz;
  v_abandoned jsonb := '[]'::jsonb;
  v_seen record;
begin
  perform cronwarden.lock_job(p_job_name, 'begin_run');
  v_now := date_trunc('milliseconds', clock_timestamp());

  -- This run id began already: the caller is retrying a begin whose connection died after
  -- it was sent. Answer from the row that begin wrote, and change nothing. Under the lock,
  -- so a first attempt still running is waited for. Runs it abandoned were written with
  -- unclaimed entries and show in pending_alerts; they are not reported again.
  select status, started_at, holder_run_id, last_success_at into v_seen
  from cronwarden.cron_execution_logs where run_id = p_run_id and (job_name = p_job_name) is true;
  if found then
    if v_seen.status not in ('running', 'skipped') then
      raise exception 'begin_run: run % of job "%" began already and is now %', p_run_id, p_job_name, v_seen.status
        using errcode = '55000';
    end if;
    select consecutive_failure_count, pending_alerts into v_count, v_pending
    from cronwarden.cron_job_state where job_name = p_job_name;
    return jsonb_build_object(
      'outcome', case when v_seen.status = 'skipped' then 'skipped' else 'started' end,
      'started_at', cronwarden.epoch_ms(v_seen.started_at),
      'holder_run_id', v_seen.holder_run_id,
      'consecutive_failure_count', coalesce(v_count, 0),
      'last_success_at', cronwarden.epoch_ms(v_seen.last_success_at),
      'abandoned', '[]'::jsonb,
      'pending_alerts', coalesce(v_pending, 0)
    );
  end if;

  select true, consecutive_failure_count, last_success_at, open_runs, open_since, pending_alerts
  into v_has_state, v_count, v_last_success, v_open_runs, v_open_since, v_pending
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
      v_abandoned := cronwarden.abandon_expired(p_job_name, v_now, p_alert);
      -- Abandoning changed the streak (and may have written entries): read it again.
      select consecutive_failure_count, last_success_at, pending_alerts into v_count, v_last_success, v_pending
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
    'abandoned', v_abandoned,
    'pending_alerts', coalesce(v_pending, 0)
  );
end
$$;

-- heartbeat: extend a running run's lease; false once the run is closed. The job condition

select cronwarden.revoke_public_access();
