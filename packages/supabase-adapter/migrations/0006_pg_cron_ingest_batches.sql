-- cronwarden execution log, 0006: pg_cron ingestion starts at the present, reads only the rows
-- past each job's cursor, and commits in bounded batches.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0005) or
-- applied by `migrate(db)`. Re-runnable.
--
-- pg_cron never purges cron.job_run_details: a job every minute leaves 100,000 rows in ten
-- weeks. On such a table the first ingest_pg_cron of 0001 recorded the whole history in one
-- transaction (270 s, 124 MB of WAL), and every later call, even with nothing new, read the
-- whole table (3.4-4.0 s). Measured on main, and why:
--   * super-linear: recording N runs in one transaction updates the same few rows N times
--     (the job's cursor once per run, the job's streak row once per finish). Versions made
--     and superseded by a transaction still running cannot be pruned, so every later lookup
--     of those rows walks all of them: 10,000 runs 3.8 s, 30,000 runs 23.5 s.
--   * every call: one query joined the whole table to the cursors and filtered afterwards.
-- Now:
--   * a job seen for the first time starts after its newest finished run: history is not
--     recorded unless asked (p_since: the runs that started at or after it; '-infinity'
--     for all). A run in progress then is recorded when it finishes.
--   * each job's new rows are read with `jobid = $1 and runid > cursor order by runid limit
--     n`, a range scan of the primary key from the cursor (pg_cron's table has no index on
--     jobid): a busy job's rows come first, and an idle call reads what was added since the
--     last call.
--   * a caught-up job's cursor moves on to the newest runid in the table, past other jobs'
--     rows, so a job that runs daily, or has not run yet, does not read the others' rows
--     again on every call. That is safe because pg_cron's launcher inserts every row of the
--     table itself, one at a time, each committed before the next runid is drawn: a runid
--     below a visible one never appears later (the per-job cursor of 0001 relied on that
--     already, within each job).
--   * at most p_batch_size rows per call, each job's cursor written once per call; the
--     caller repeats while caught_up is false (checkPgCronRuns does), one transaction each.
--     Every batch is short, and the rows it updates repeatedly are pruned between batches.
--
-- A new signature (and OUT parameters: recorded, caught_up), so the old function is dropped
-- rather than overloaded: a call with three or four arguments, as pg_cron jobs scheduled from
-- the README make, keeps working (select ingest_pg_cron(...) now shows "(n,t)").
drop function if exists cronwarden.ingest_pg_cron(text[], text[], bigint, jsonb);

-- Records new pg_cron runs of the given jobs (p_pg_cron_jobs[i] is logged as p_job_names[i]):
--   * succeeded / failed rows, with pg_cron's return_message as the error;
--   * rows still starting / running / connecting after p_stuck_after_ms, as failed (once);
--   * for a run that made tracked pg_net requests, the HTTP outcome decides: status >= 400,
--     a timeout or an error fails the trigger; no response after p_stuck_after_ms fails it too.
-- Each run is recorded once (its log row id is 'pg_cron:<runid>'), in runid order per job;
-- later runs of a job wait while an earlier one is still in progress. Safe to call from two
-- monitors at once. Reads at most p_batch_size rows of the jobs' runs; caught_up is false
-- when it stopped there (call again), true when nothing more can be recorded now. recorded
-- is the number of runs this call recorded.
-- p_since only applies to a job seen for the first time: null starts after its newest
-- finished run; a time starts at its first run that started (or, never started, ended) then
-- or later.
-- p_alert is the AlertSpec the entries are written with, unclaimed (the caller claims them
-- next). Without it (a pg_cron job calling this directly) they get the default policy
-- (threshold 2, no recovery notice), a 24 h time to live, and no notifier names: they are
-- owed to the notifiers of the first dispatcher that claims them.
create or replace function cronwarden.ingest_pg_cron(
  p_pg_cron_jobs text[],
  p_job_names text[],
  p_stuck_after_ms bigint,
  p_alert jsonb default null,
  p_batch_size integer default 1000,
  p_since timestamptz default null,
  out recorded integer,
  out caught_up boolean
)
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_stuck_after interval := p_stuck_after_ms * interval '1 millisecond';
  v_has_pg_net boolean := pg_catalog.to_regclass('net._http_response') is not null;
  v_alert jsonb := coalesce(p_alert,
    '{"policy": {"failureThreshold": 2, "notifyOnRecovery": false}, "notifiers": [], "ttlMs": 86400000, "claimMs": 0}');
  v_budget integer := p_batch_size;
  v_newest bigint;
  v_job record;
  v_cursor bigint;
  v_last bigint;
  v_read integer;
  v_blocked boolean;
  v_row record;
  v_status text;
  v_message text;
  v_finished timestamptz;
  v_since timestamptz;
  v_http record;
  v_run_id text;
begin
  recorded := 0;
  caught_up := true;
  if pg_catalog.array_length(p_pg_cron_jobs, 1) is distinct from pg_catalog.array_length(p_job_names, 1) then
    raise exception 'ingest_pg_cron: p_pg_cron_jobs and p_job_names must have the same length' using errcode = '22023';
  end if;
  if p_batch_size is null or p_batch_size < 1 then
    raise exception 'ingest_pg_cron: p_batch_size must be at least 1, got %', p_batch_size using errcode = '22023';
  end if;
  if pg_catalog.to_regclass('cron.job_run_details') is null then
    raise exception 'ingest_pg_cron: cron.job_run_details does not exist (is pg_cron installed in this database?)'
      using errcode = '42P01';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('cronwarden.pg_cron_ingest', 0));

  -- Statements on pg_cron's tables go through EXECUTE: planned on each call with the real
  -- cursor and limit (a cached generic plan cannot know how few rows lie past the cursor),
  -- and pg_cron need not be installed when this function is created.
  -- The newest row now (the end of the primary key): where a caught-up job's cursor goes.
  execute 'select max(runid) from cron.job_run_details' into v_newest;

  for v_job in
    execute $q$
      select j.jobid, names.job_name, c.last_runid
      from unnest($1, $2) with ordinality as names (pg_cron_job, job_name, position)
      join cron.job j on j.jobname::text = names.pg_cron_job
      left join cronwarden.pg_cron_cursor c on c.jobid = j.jobid
      order by names.position, j.jobid
    $q$ using p_pg_cron_jobs, p_job_names
  loop
    v_cursor := v_job.last_runid;
    if v_cursor is null then
      -- Seen for the first time: its history is not recorded unless p_since asks for it. Both
      -- read the primary key backwards from the newest row until they meet the job's row.
      if p_since is null then
        execute $q$
          select max(runid) from cron.job_run_details where jobid = $1 and status in ('succeeded', 'failed')
        $q$ into v_cursor using v_job.jobid;
      elsif p_since > '-infinity' then
        execute $q$
          select max(runid) from cron.job_run_details where jobid = $1 and coalesce(start_time, end_time) < $2
        $q$ into v_cursor using v_job.jobid, p_since;
      end if;
      v_cursor := coalesce(v_cursor, 0);
      insert into cronwarden.pg_cron_cursor (jobid, last_runid) values (v_job.jobid, v_cursor)
      on conflict (jobid) do nothing;
    end if;
    if v_budget = 0 then
      caught_up := false;
      continue;
    end if;

    v_last := v_cursor;
    v_read := 0;
    v_blocked := false;
    for v_row in
      execute $q$
        select d.runid, d.job_pid, d.status, d.return_message, d.start_time, d.end_time
        from cron.job_run_details d
        where d.jobid = $1 and d.runid > $2
        order by d.runid
        limit $3
      $q$ using v_job.jobid, v_cursor, v_budget
    loop
      v_read := v_read + 1;
      v_status := null;
      v_since := null;
      v_finished := coalesce(v_row.end_time, v_now);

      if v_row.status in ('succeeded', 'failed') then
        v_status := v_row.status;
        -- libpq-mode messages end in a newline ("ERROR:  division by zero\n"); keep the rest as is.
        v_message := case when v_row.status = 'failed'
          then coalesce(nullif(pg_catalog.rtrim(v_row.return_message, E' \n'), ''), 'pg_cron run failed') end;
      else
        insert into cronwarden.pg_cron_first_seen (runid) values (v_row.runid) on conflict (runid) do nothing;
        select least(coalesce(v_row.start_time, first_seen_at), first_seen_at) into v_since
        from cronwarden.pg_cron_first_seen where runid = v_row.runid;
        if v_since <= v_now - v_stuck_after then
          v_status := 'failed';
          v_message := pg_catalog.format('pg_cron run %s stuck in status "%s" since %s', v_row.runid, v_row.status,
            pg_catalog.to_char(v_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
          v_finished := v_now;
        end if;
      end if;

      -- A trigger that called an Edge Function succeeded only if the function answered well.
      if v_status = 'succeeded' and v_has_pg_net then
        for v_http in
          execute $q$
            select r.request_id, resp.status_code, resp.timed_out, resp.error_msg,
                   left(resp.content::text, 500) as content, (resp.id is not null) as answered
            from cronwarden.pg_net_requests r
            left join net._http_response resp on resp.id = r.request_id
            where r.backend_pid = $1 and r.requested_at >= $2 and r.requested_at <= $3
            order by r.request_id
          $q$ using v_row.job_pid, v_row.start_time, coalesce(v_row.end_time, v_now)
        loop
          if not v_http.answered then
            if v_row.start_time > v_now - v_stuck_after then
              v_status := null; -- still waiting for the response
            else
              v_status := 'failed';
              v_message := pg_catalog.format('pg_net request %s got no response within %s ms', v_http.request_id, p_stuck_after_ms);
            end if;
          elsif v_http.timed_out then
            v_status := 'failed';
            v_message := pg_catalog.format('pg_net request %s timed out', v_http.request_id);
          elsif v_http.error_msg is not null then
            v_status := 'failed';
            v_message := pg_catalog.format('pg_net request %s failed: %s', v_http.request_id, v_http.error_msg);
          elsif v_http.status_code >= 400 then
            v_status := 'failed';
            v_message := pg_catalog.format('HTTP %s from the Edge Function: %s', v_http.status_code, coalesce(v_http.content, ''));
          end if;
          exit when v_status is distinct from 'succeeded';
        end loop;
      end if;

      if v_status is null then
        -- In progress: this job's later runs wait for it, to keep the streak in order.
        v_blocked := true;
        exit;
      end if;

      v_run_id := 'pg_cron:' || v_row.runid;
      insert into cronwarden.cron_execution_logs (run_id, job_name, status, started_at, lease_expires_at, host)
      -- Rows pg_cron never started (startup timeout, connection failed) have only an end time.
      values (v_run_id, v_job.job_name, 'running',
              pg_catalog.date_trunc('milliseconds', coalesce(v_row.start_time, v_since, v_row.end_time, v_now)),
              'infinity', 'pg_cron')
      on conflict (run_id) do nothing;
      if found then
        perform cronwarden.finish_run(v_job.job_name, v_run_id, v_status, v_message, null, v_alert,
                                      pg_catalog.date_trunc('milliseconds', v_finished), false);
        recorded := recorded + 1;
      end if;
      delete from cronwarden.pg_cron_first_seen where runid = v_row.runid;
      v_last := v_row.runid;
    end loop;
    v_budget := v_budget - v_read;

    if v_blocked then
      null; -- the cursor stays before the run in progress
    elsif v_budget = 0 then
      caught_up := false; -- the limit may have cut this job's rows short
    else
      -- Every row of this job up to the newest one is recorded: skip the others' rows too.
      v_last := greatest(v_last, coalesce(v_newest, 0));
    end if;
    if v_last > v_cursor then
      update cronwarden.pg_cron_cursor set last_runid = greatest(last_runid, v_last) where jobid = v_job.jobid;
    end if;
  end loop;
end
$$;

select cronwarden.revoke_public_access();
