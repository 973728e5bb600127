-- cronwarden execution log, 0003: trigger-level monitoring of pg_cron jobs. Re-runnable.
--
-- A wrapper inside a job only sees runs that started. These functions read what pg_cron
-- itself recorded (cron.job_run_details) and, for jobs whose command calls an Edge Function
-- through pg_net, the HTTP response (net._http_response), and record each finished trigger in
-- the execution log through the same streak as wrapped runs. The transitions wait in an outbox
-- until a dispatcher (checkPgCronRuns in Node or Deno) decides and delivers the alerts, so the
-- policy stays in one place and the ingestion can run inside the database, from pg_cron itself.
--
-- Neither pg_cron nor pg_net has to be installed for this migration: their tables are only
-- looked up when ingest_pg_cron runs.

-- How far ingestion has read, per pg_cron job.
create table if not exists cronwarden.pg_cron_cursor (
  jobid bigint primary key,
  last_runid bigint not null
);

-- When an in-progress pg_cron row was first seen (pg_cron may not have set start_time yet),
-- to tell a slow run from a stuck one.
create table if not exists cronwarden.pg_cron_first_seen (
  runid bigint primary key,
  first_seen_at timestamptz not null default now()
);

-- pg_net requests made by scheduled commands, tied to the pg_cron backend that made them:
--   select cronwarden.track_pg_net(net.http_post(...));
-- matches each trigger to its own HTTP response exactly.
create table if not exists cronwarden.pg_net_requests (
  request_id bigint primary key,
  backend_pid integer not null,
  requested_at timestamptz not null default clock_timestamp()
);

-- Streak transitions waiting for a dispatcher to decide and deliver their alerts.
create table if not exists cronwarden.pg_cron_outbox (
  id bigint generated always as identity primary key,
  job_name text not null,
  transition jsonb not null,
  created_at timestamptz not null default now(),
  claimed_at timestamptz
);

create or replace function cronwarden.track_pg_net(p_request_id bigint)
returns bigint
language sql
set search_path = ''
as $$
  insert into cronwarden.pg_net_requests (request_id, backend_pid) values (p_request_id, pg_catalog.pg_backend_pid())
  on conflict (request_id) do nothing;
  select p_request_id;
$$;

-- Records new pg_cron runs of the given jobs (p_pg_cron_jobs[i] is logged as p_job_names[i]):
--   * succeeded / failed rows, with pg_cron's return_message as the error;
--   * rows still starting / running / connecting after p_stuck_after_ms, as failed (once);
--   * for a run that made tracked pg_net requests, the HTTP outcome decides: status >= 400,
--     a timeout or an error fails the trigger; no response after p_stuck_after_ms fails it too.
-- Each run is recorded once (its log row id is 'pg_cron:<runid>'), in runid order per job;
-- later runs of a job wait while an earlier one is still in progress. Safe to call from two
-- monitors at once. Returns the number of runs recorded.
create or replace function cronwarden.ingest_pg_cron(
  p_pg_cron_jobs text[],
  p_job_names text[],
  p_stuck_after_ms bigint
)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_stuck_after interval := p_stuck_after_ms * interval '1 millisecond';
  v_has_pg_net boolean := pg_catalog.to_regclass('net._http_response') is not null;
  v_row record;
  v_blocked bigint[] := '{}';
  v_job_name text;
  v_status text;
  v_message text;
  v_finished timestamptz;
  v_since timestamptz;
  v_http record;
  v_run_id text;
  v_transition jsonb;
  v_recorded integer := 0;
begin
  if pg_catalog.array_length(p_pg_cron_jobs, 1) is distinct from pg_catalog.array_length(p_job_names, 1) then
    raise exception 'ingest_pg_cron: p_pg_cron_jobs and p_job_names must have the same length' using errcode = '22023';
  end if;
  if pg_catalog.to_regclass('cron.job_run_details') is null then
    raise exception 'ingest_pg_cron: cron.job_run_details does not exist (is pg_cron installed in this database?)'
      using errcode = '42P01';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('cronwarden.pg_cron_ingest', 0));

  for v_row in
    execute $q$
      select d.runid, d.jobid, j.jobname::text as jobname, d.job_pid, d.status, d.return_message,
             d.start_time, d.end_time, names.job_name
      from cron.job_run_details d
      join cron.job j on j.jobid = d.jobid
      join unnest($1, $2) as names (pg_cron_job, job_name) on names.pg_cron_job = j.jobname::text
      left join cronwarden.pg_cron_cursor c on c.jobid = d.jobid
      where d.runid > coalesce(c.last_runid, 0)
      order by d.jobid, d.runid
    $q$ using p_pg_cron_jobs, p_job_names
  loop
    continue when v_row.jobid = any (v_blocked);
    v_job_name := v_row.job_name;
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
      v_blocked := v_blocked || v_row.jobid;
      continue;
    end if;

    v_run_id := 'pg_cron:' || v_row.runid;
    insert into cronwarden.cron_execution_logs (run_id, job_name, status, started_at, lease_expires_at, host)
    -- Rows pg_cron never started (startup timeout, connection failed) have only an end time.
    values (v_run_id, v_job_name, 'running',
            pg_catalog.date_trunc('milliseconds', coalesce(v_row.start_time, v_since, v_row.end_time, v_now)),
            'infinity', 'pg_cron')
    on conflict (run_id) do nothing;
    if found then
      v_transition := cronwarden.finish_run(v_job_name, v_run_id, v_status, v_message, null,
                                            pg_catalog.date_trunc('milliseconds', v_finished));
      insert into cronwarden.pg_cron_outbox (job_name, transition) values (v_job_name, v_transition);
      v_recorded := v_recorded + 1;
    end if;
    insert into cronwarden.pg_cron_cursor (jobid, last_runid) values (v_row.jobid, v_row.runid)
    on conflict (jobid) do update set last_runid = excluded.last_runid;
    delete from cronwarden.pg_cron_first_seen where runid = v_row.runid;
  end loop;
  return v_recorded;
end
$$;

-- Claims up to p_limit waiting transitions for one dispatcher (others skip them); a claim
-- not acknowledged within p_reclaim_after_ms (a dispatcher that crashed) is handed out again.
create or replace function cronwarden.claim_pg_cron_transitions(p_limit integer, p_reclaim_after_ms bigint)
returns jsonb
language sql
set search_path = ''
as $$
  with claimed as (
    update cronwarden.pg_cron_outbox set claimed_at = pg_catalog.clock_timestamp()
    where id in (
      select id from cronwarden.pg_cron_outbox
      where claimed_at is null or claimed_at < pg_catalog.clock_timestamp() - p_reclaim_after_ms * interval '1 millisecond'
      order by id
      limit p_limit
      for update skip locked
    )
    returning id, job_name, transition
  )
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', id, 'job_name', job_name, 'transition', transition) order by id), '[]')
  from claimed
$$;

-- Forgets transitions whose alerts were decided and delivered.
create or replace function cronwarden.ack_pg_cron_transitions(p_ids bigint[])
returns void
language sql
set search_path = ''
as $$
  delete from cronwarden.pg_cron_outbox where id = any (p_ids)
$$;

select cronwarden.revoke_public_access();
