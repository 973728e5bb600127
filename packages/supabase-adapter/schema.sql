-- Generated from migrations/ by `pnpm --filter @cronwarden/supabase-adapter schema:dump`; do not edit.
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: cronwarden; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA cronwarden;

--
-- Name: abandon_expired(text, timestamp with time zone, jsonb); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.abandon_expired(p_job_name text, p_now timestamp with time zone, p_alert jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
    v_abandoned := v_abandoned || (cronwarden.finish_run(
      p_job_name,
      v_run.run_id,
      'abandoned',
      'Run abandoned: its lease expired at '
        || to_char(v_run.lease_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        || ' without a heartbeat (the process likely crashed or stalled)',
      null,
      p_alert,
      v_run.lease_expires_at,
      false
    ) -> 'transition');
  end loop;
  return v_abandoned;
end
$$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: cron_alerts; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.cron_alerts (
    alert_id bigint NOT NULL,
    job_name text NOT NULL,
    run_id text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    subject jsonb NOT NULL,
    policy jsonb NOT NULL,
    notifiers jsonb NOT NULL,
    event_type text,
    status text DEFAULT 'pending'::text NOT NULL,
    claim_token uuid,
    claimed_until timestamp with time zone,
    next_attempt_at timestamp with time zone,
    muted boolean DEFAULT false NOT NULL,
    CONSTRAINT cron_alerts_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'delivered'::text, 'expired'::text, 'no_event'::text, 'muted'::text])))
)
WITH (fillfactor='90');

--
-- Name: alert_json(cronwarden.cron_alerts, timestamp with time zone); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.alert_json(p_entry cronwarden.cron_alerts, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  return jsonb_build_object(
    'alert_id', p_entry.alert_id::text,
    'job_name', p_entry.job_name,
    'run_id', p_entry.run_id,
    'created_at', cronwarden.epoch_ms(p_entry.created_at),
    'expires_at', cronwarden.epoch_ms(p_entry.expires_at),
    'expired', p_entry.expires_at <= p_now,
    'muted', p_entry.muted,
    'subject', p_entry.subject,
    'policy', p_entry.policy,
    'notifiers', p_entry.notifiers,
    'event_type', p_entry.event_type,
    'status', p_entry.status,
    'claim_token', p_entry.claim_token::text
  );
end
$$;

--
-- Name: begin_run(text, text, integer, boolean, text, jsonb); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.begin_run(p_job_name text, p_run_id text, p_lease_ms integer, p_exclusive boolean, p_host text, p_alert jsonb DEFAULT NULL::jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
  -- it was sent. Answer from the row that begin wrote, and change nothing (see 0003).
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
    -- A holder means the job has its row (it counts the holder among its open runs).
    update cronwarden.cron_job_state set last_run_at = greatest(last_run_at, v_now) where job_name = p_job_name;
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
      set open_runs = v_live + 1, open_since = least(v_oldest_live, v_now), last_run_at = greatest(last_run_at, v_now)
      where job_name = p_job_name;
    else
      insert into cronwarden.cron_job_state (job_name, open_runs, open_since, last_run_at, updated_at)
      values (p_job_name, 1, v_now, v_now, v_now);
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

--
-- Name: claim_alerts(text[], text[], integer, bigint); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.claim_alerts(p_job_names text[], p_notifiers text[], p_limit integer, p_claim_ms bigint) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_now timestamptz := date_trunc('milliseconds', clock_timestamp());
  v_now_ms bigint := cronwarden.epoch_ms(v_now);
  v_owed jsonb;
  v_claimed jsonb;
begin
  select coalesce(jsonb_agg(cronwarden.pending_state(name, v_now) order by position), '[]'::jsonb) into v_owed
  from unnest(p_notifiers) with ordinality as owed (name, position);

  with due as (
    select entry.alert_id
    from cronwarden.cron_alerts as entry
    where entry.status = 'pending'
      and (p_job_names is null or entry.job_name = any (p_job_names))
      and (entry.claimed_until is null or entry.claimed_until <= v_now)
      and (
        entry.expires_at <= v_now
        or (entry.next_attempt_at <= v_now and (
          (entry.notifiers = '[]'::jsonb and v_owed <> '[]'::jsonb)
          or exists (
            select from jsonb_array_elements(entry.notifiers) as state
            where state->>'notifier' = any (p_notifiers)
              and state->>'status' in ('pending', 'failed')
              and (state->>'next_attempt_at')::bigint <= v_now_ms
          )
        ))
      )
    order by entry.created_at, entry.alert_id
    limit greatest(p_limit, 0)
    for update skip locked
  ), claimed as (
    update cronwarden.cron_alerts as entry set
      claim_token = gen_random_uuid(),
      claimed_until = v_now + p_claim_ms * interval '1 millisecond',
      notifiers = case when entry.notifiers = '[]'::jsonb then v_owed else entry.notifiers end
    from due
    where entry.alert_id = due.alert_id
    returning entry
  )
  select coalesce(jsonb_agg(cronwarden.alert_json(claimed.entry, v_now)
                  order by (claimed.entry).created_at, (claimed.entry).alert_id), '[]'::jsonb)
  into v_claimed
  from claimed;
  return v_claimed;
end
$$;

--
-- Name: clip_error(text); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.clip_error(message text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
declare
  v_limit constant integer := 8000;
  -- Characters that are two UTF-16 units (a surrogate pair) in JavaScript.
  v_astral constant text := '[' || chr(65536) || '-' || chr(1114111) || ']';
  v_units integer;
  v_end integer;
  v_low integer;
  v_high integer;
  v_middle integer;
begin
  -- No character is fewer bytes in UTF-8 than units in UTF-16: short text needs no counting.
  if message is null or octet_length(message) <= v_limit then
    return message;
  end if;
  v_units := length(message) + regexp_count(message, v_astral);
  if v_units <= v_limit then
    return message;
  end if;
  -- The marker for the whole length is the longest this one can be, so the result fits.
  v_end := greatest(0, v_limit - length(' [truncated ' || v_units::text || ' characters]'));
  -- The most characters whose units fit in v_end. Dropping as many characters as the first
  -- v_end hold astral ones always fits (v_low); v_end characters do not when there are any.
  v_low := v_end - regexp_count(left(message, v_end), v_astral);
  v_high := v_end;
  while v_high - v_low > 1 loop
    v_middle := (v_low + v_high) / 2;
    if v_middle + regexp_count(left(message, v_middle), v_astral) <= v_end then
      v_low := v_middle;
    else
      v_high := v_middle;
    end if;
  end loop;
  v_end := v_low + regexp_count(left(message, v_low), v_astral);
  return left(message, v_low) || ' [truncated ' || (v_units - v_end)::text || ' characters]';
end
$$;

--
-- Name: count_pending_alert(text, timestamp with time zone); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.count_pending_alert(p_job_name text, p_now timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update cronwarden.cron_job_state set pending_alerts = pending_alerts + 1 where job_name = p_job_name;
  if not found then
    insert into cronwarden.cron_job_state (job_name, pending_alerts, updated_at) values (p_job_name, 1, p_now);
  end if;
end
$$;

--
-- Name: enqueue_alert(text, text, jsonb, jsonb); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.enqueue_alert(p_job_name text, p_run_id text, p_event jsonb, p_alert jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_now timestamptz;
  v_muted_until timestamptz;
  v_alert jsonb;
begin
  perform cronwarden.lock_job(p_job_name, 'enqueue_alert');
  v_now := date_trunc('milliseconds', clock_timestamp());
  select muted_until into v_muted_until from cronwarden.cron_job_state where job_name = p_job_name;
  v_alert := cronwarden.write_alert(p_job_name, p_run_id,
    jsonb_build_object('kind', 'event', 'event', p_event), p_alert, v_now, true, v_muted_until, null);
  perform cronwarden.count_pending_alert(p_job_name, v_now);
  return v_alert;
end
$$;

--
-- Name: epoch_ms(timestamp with time zone); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.epoch_ms(ts timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  return (extract(epoch from (ts at time zone 'UTC')) * 1000)::bigint;
end
$$;

--
-- Name: finish_run(text, text, text, text, jsonb, jsonb, timestamp with time zone, boolean); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.finish_run(p_job_name text, p_run_id text, p_status text, p_error_message text, p_summary jsonb, p_alert jsonb DEFAULT NULL::jsonb, p_finished_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_claim boolean DEFAULT true) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_succeeded boolean := p_status = 'succeeded';
  v_now timestamptz;
  v_count integer;
  v_down_since timestamptz;
  v_last_success timestamptz;
  v_last_failure timestamptz;
  v_muted_until timestamptz;
  v_alert_muted_for timestamptz;
  v_end timestamptz;
  v_new_count integer;
  v_started timestamptz;
  v_finished timestamptz;
  v_duration bigint;
  v_error text;
  v_new_down_since timestamptz;
  v_new_last_success timestamptz;
  v_writes_alert boolean;
  v_transition jsonb;
  v_alert jsonb;
begin
  if p_status not in ('succeeded', 'failed', 'abandoned') then
    raise exception 'finish_run: p_status must be succeeded, failed or abandoned, got %', p_status
      using errcode = '22023';
  end if;
  perform cronwarden.lock_job(p_job_name, 'finish_run');
  v_now := date_trunc('milliseconds', clock_timestamp());
  select consecutive_failure_count, down_since, last_success_at, last_failure_at, muted_until, alert_muted_for
  into v_count, v_down_since, v_last_success, v_last_failure, v_muted_until, v_alert_muted_for
  from cronwarden.cron_job_state where job_name = p_job_name;
  v_count := coalesce(v_count, 0);
  v_new_count := case when v_succeeded then 0 else v_count + 1 end;
  v_end := coalesce(p_finished_at, v_now);

  -- `(job_name = ...) is true` rather than `job_name = ...`: no index can serve it, so the
  -- plan is always the primary key (see 0001).
  update cronwarden.cron_execution_logs as log set
    status = p_status,
    finished_at = greatest(v_end, log.started_at),
    duration_ms = cronwarden.epoch_ms(greatest(v_end, log.started_at)) - cronwarden.epoch_ms(log.started_at),
    lease_expires_at = null,
    error_message = cronwarden.clip_error(p_error_message),
    consecutive_failure_count = v_new_count,
    last_success_at = case when v_succeeded then greatest(v_end, log.started_at) else v_last_success end,
    summary = p_summary
  where log.run_id = p_run_id and (log.job_name = p_job_name) is true and log.status = 'running'
  returning log.started_at, log.finished_at, log.duration_ms, log.error_message
  into v_started, v_finished, v_duration, v_error;
  if not found then
    return null;
  end if;

  v_writes_alert := p_alert is not null and (not v_succeeded or v_count > 0);
  -- down_since: the start of the streak's first failure; a success ends the streak.
  v_new_down_since := case when v_succeeded then null when v_count = 0 then v_started else v_down_since end;
  v_new_last_success := case when v_succeeded then v_finished else v_last_success end;
  update cronwarden.cron_job_state set
    consecutive_failure_count = v_new_count,
    last_success_at = v_new_last_success,
    down_since = v_new_down_since,
    last_failure_at = case when v_succeeded then last_failure_at else v_finished end,
    last_run_at = greatest(last_run_at, v_started),
    alert_muted_for = case when v_succeeded then null else alert_muted_for end,
    updated_at = v_finished,
    -- Not below 0: pg_cron ingestion closes rows it inserted itself, without begin_run.
    open_runs = greatest(open_runs - 1, 0),
    open_since = case when open_runs <= 1 then null else open_since end,
    pending_alerts = pending_alerts + v_writes_alert::integer
  where job_name = p_job_name;
  if not found then
    -- A job whose runs never went through begin_run (pg_cron ingestion) gets its row here.
    insert into cronwarden.cron_job_state
      (job_name, consecutive_failure_count, last_success_at, down_since, last_failure_at, last_run_at,
       pending_alerts, updated_at)
    values (p_job_name, v_new_count, v_new_last_success, v_new_down_since,
            case when v_succeeded then null else v_finished end, v_started, v_writes_alert::integer, v_finished);
  end if;

  -- The transition as JSON for the store (StreakTransition), also the entry's subject.
  v_transition := jsonb_build_object(
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
    'down_since', cronwarden.epoch_ms(case when v_succeeded then v_down_since else v_new_down_since end),
    -- For a success too: null, the streak is over.
    'previous_failure_at', cronwarden.epoch_ms(case when v_count > 0 and not v_succeeded then v_last_failure end),
    'missed', null
  );
  if v_writes_alert then
    v_alert := cronwarden.write_alert(p_job_name, p_run_id,
      jsonb_build_object('kind', 'transition', 'transition', v_transition), p_alert, v_now, p_claim,
      v_muted_until, v_alert_muted_for);
  end if;
  return jsonb_build_object('transition', v_transition, 'alert', v_alert);
end
$$;

--
-- Name: get_job(text); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.get_job(p_job_name text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'job_name', job.job_name,
    'consecutive_failure_count', job.consecutive_failure_count,
    'down_since', cronwarden.epoch_ms(job.down_since),
    'last_success_at', cronwarden.epoch_ms(job.last_success_at),
    'last_run_at', cronwarden.epoch_ms(job.last_run_at),
    'muted_until', cronwarden.epoch_ms(job.muted_until)
  )
  from cronwarden.cron_job_state as job
  where job.job_name = p_job_name
$$;

--
-- Name: heartbeat(text, text, integer); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.heartbeat(p_job_name text, p_run_id text, p_lease_ms integer) RETURNS boolean
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with renewed as (
    update cronwarden.cron_execution_logs
    set lease_expires_at = date_trunc('milliseconds', clock_timestamp()) + p_lease_ms * interval '1 millisecond'
    where run_id = p_run_id and (job_name = p_job_name) is true and status = 'running'
    returning 1
  )
  select exists (select 1 from renewed)
$$;

--
-- Name: ingest_pg_cron(text[], text[], bigint, jsonb, integer, timestamp with time zone); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.ingest_pg_cron(p_pg_cron_jobs text[], p_job_names text[], p_stuck_after_ms bigint, p_alert jsonb DEFAULT NULL::jsonb, p_batch_size integer DEFAULT 1000, p_since timestamp with time zone DEFAULT NULL::timestamp with time zone, OUT recorded integer, OUT caught_up boolean) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
$_$;

--
-- Name: job_health(text[], integer, bigint); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.job_health(p_jobs text[] DEFAULT NULL::text[], p_recent_runs integer DEFAULT 20, p_expired_within_ms bigint DEFAULT 604800000) RETURNS json
    LANGUAGE sql STABLE
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
  select coalesce(json_agg(json_build_object(
      'job_name', job.job_name,
      'recent_runs', strip.runs,
      'consecutive_failure_count', job.consecutive_failure_count,
      'last_success_at', (extract(epoch from (job.last_success_at at time zone 'UTC')) * 1000)::bigint,
      'down_since', (extract(epoch from (job.down_since at time zone 'UTC')) * 1000)::bigint,
      'muted_until', (extract(epoch from (job.muted_until at time zone 'UTC')) * 1000)::bigint,
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

--
-- Name: list_alerts(text, integer); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.list_alerts(p_job_name text, p_limit integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(cronwarden.alert_json(newest.entry, clock_timestamp())
                  order by (newest.entry).created_at desc, (newest.entry).alert_id desc), '[]'::jsonb)
  from (
    select entry
    from cronwarden.cron_alerts as entry
    where entry.job_name = p_job_name
    order by entry.created_at desc, entry.alert_id desc
    limit greatest(p_limit, 0)
  ) as newest
$$;

--
-- Name: list_runs(text, integer); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.list_runs(p_job_name text, p_limit integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
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

--
-- Name: lock_job(text, text); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.lock_job(p_job_name text, p_caller text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    raise exception '%: needs READ COMMITTED, the transaction is %',
      p_caller, pg_catalog.current_setting('transaction_isolation') using errcode = '25000';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('cronwarden.job:' || p_job_name, 0));
end
$$;

--
-- Name: mute_job(text, bigint); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.mute_job(p_job_name text, p_until_ms bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  perform cronwarden.lock_job(p_job_name, 'mute_job');
  insert into cronwarden.cron_job_state (job_name, muted_until, updated_at)
  values (p_job_name, to_timestamp(p_until_ms / 1000.0), date_trunc('milliseconds', clock_timestamp()))
  on conflict (job_name) do update set muted_until = excluded.muted_until;
end
$$;

--
-- Name: pending_state(text, timestamp with time zone); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.pending_state(p_notifier text, p_at timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

--
-- Name: purge(integer, integer); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.purge(p_days integer, p_batch_size integer DEFAULT NULL::integer) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
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

--
-- Name: record_alert_outcome(text, text, text, jsonb); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.record_alert_outcome(p_alert_id text, p_claim_token text, p_event_type text, p_outcomes jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_now timestamptz;
  v_entry cronwarden.cron_alerts;
  v_outcomes jsonb := coalesce(p_outcomes, '[]'::jsonb);
  v_outcome jsonb;
  v_states jsonb;
  v_status text;
  v_next_ms bigint;
  v_event_type text;
  v_mutes_streak boolean := false;
  v_reminded boolean := false;
  v_down_since timestamptz;
begin
  if p_alert_id is null or p_alert_id !~ '^[0-9]{1,18}$' then
    return;
  end if;
  select * into v_entry from cronwarden.cron_alerts where alert_id = p_alert_id::bigint for update;
  if not found then
    return;
  end if;
  v_now := date_trunc('milliseconds', clock_timestamp());

  v_states := v_entry.notifiers;
  for v_outcome in select value from jsonb_array_elements(v_outcomes) loop
    v_event_type := coalesce(v_outcome->>'event_type', p_event_type);
    -- Only the two outcomes that move the mark need to know whether they change anything.
    if (v_outcome->>'status' = 'muted' and v_event_type in ('consecutive_failures', 'missed_run'))
       or (v_outcome->>'status' = 'delivered' and v_event_type = 'still_failing') then
      if exists (
        select from jsonb_array_elements(v_states) as state
        where state->>'notifier' = v_outcome->>'notifier' and state->>'status' in ('pending', 'failed')
      ) then
        v_mutes_streak := v_mutes_streak or v_outcome->>'status' = 'muted';
        v_reminded := v_reminded or v_outcome->>'status' = 'delivered';
      end if;
    end if;
    select jsonb_agg(
      case
        when state->>'notifier' is distinct from v_outcome->>'notifier' or state->>'status' not in ('pending', 'failed')
          then state
        when v_outcome->>'status' = 'delivered' then state || jsonb_build_object(
          'status', 'delivered',
          'attempts', (state->>'attempts')::integer + 1,
          'last_attempt_at', cronwarden.epoch_ms(coalesce((v_outcome->>'attempted_at')::timestamptz, v_now)),
          'next_attempt_at', null)
        when v_outcome->>'status' in ('expired', 'muted') then state || jsonb_build_object(
          'status', v_outcome->>'status',
          'last_attempt_at', cronwarden.epoch_ms(coalesce((v_outcome->>'attempted_at')::timestamptz, v_now)),
          'next_attempt_at', null)
        else state || jsonb_build_object(
          'status', 'failed',
          'attempts', (state->>'attempts')::integer + 1,
          'last_error', cronwarden.clip_error(v_outcome->>'error_message'),
          'last_attempt_at', cronwarden.epoch_ms(coalesce((v_outcome->>'attempted_at')::timestamptz, v_now)),
          'next_attempt_at', cronwarden.epoch_ms(
            v_now + coalesce((v_outcome->>'retryAfterMs')::bigint, 0) * interval '1 millisecond'))
      end
      order by position)
    into v_states
    from jsonb_array_elements(v_states) with ordinality as owed (state, position);
    v_states := coalesce(v_states, '[]'::jsonb);
  end loop;

  select min((state->>'next_attempt_at')::bigint) into v_next_ms
  from jsonb_array_elements(v_states) as state
  where state->>'status' in ('pending', 'failed');

  v_status := case
    when v_entry.status <> 'pending' then v_entry.status
    when p_event_type is null and v_outcomes = '[]'::jsonb then 'no_event'
    -- Owed to no one yet (no dispatcher with notifiers came): it can only expire.
    when v_states = '[]'::jsonb then case when v_entry.expires_at <= v_now then 'expired' else 'pending' end
    when v_next_ms is not null then 'pending'
    when not exists (select from jsonb_array_elements(v_states) as state where state->>'status' <> 'delivered')
      then 'delivered'
    when not exists (
      select from jsonb_array_elements(v_states) as state where state->>'status' not in ('delivered', 'muted'))
      then 'muted'
    else 'expired'
  end;

  update cronwarden.cron_alerts set
    notifiers = v_states,
    event_type = coalesce(event_type, p_event_type),
    status = v_status,
    next_attempt_at = case
      when v_status <> 'pending' then null
      when v_states = '[]'::jsonb then created_at
      else to_timestamp(v_next_ms / 1000.0)
    end,
    claim_token = case when claim_token::text = p_claim_token then null else claim_token end,
    claimed_until = case when claim_token::text = p_claim_token then null else claimed_until end
  where alert_id = v_entry.alert_id;

  if v_outcomes <> '[]'::jsonb then
    -- Only the DeliveryRecord fields: the attempt history of the run, oldest first.
    update cronwarden.cron_execution_logs set deliveries = deliveries || (
      select jsonb_agg(jsonb_build_object(
        'notifier', outcome->>'notifier',
        'event_type', outcome->>'event_type',
        'status', outcome->>'status',
        'error_message', cronwarden.clip_error(outcome->>'error_message'),
        'attempted_at', outcome->>'attempted_at',
        'duration_ms', (outcome->>'duration_ms')::bigint
      ) order by position)
      from jsonb_array_elements(v_outcomes) with ordinality as recorded (outcome, position)
    )
    where run_id = v_entry.run_id;
  end if;

  if (v_mutes_streak or v_reminded) and v_entry.subject->>'kind' = 'transition' then
    v_down_since := to_timestamp((v_entry.subject->'transition'->>'down_since')::bigint / 1000.0);
    if v_mutes_streak and v_down_since is not null then
      update cronwarden.cron_job_state set alert_muted_for = v_down_since where job_name = v_entry.job_name;
    elsif v_reminded then
      update cronwarden.cron_job_state set alert_muted_for = null
      where job_name = v_entry.job_name and alert_muted_for = v_down_since;
    end if;
  end if;

  if v_entry.status = 'pending' and v_status <> 'pending' then
    -- Relative, so it needs no job lock: nothing else writes the count absolutely.
    update cronwarden.cron_job_state set pending_alerts = greatest(pending_alerts - 1, 0)
    where job_name = v_entry.job_name;
  end if;
end
$_$;

--
-- Name: record_missed_run(text, text, bigint, bigint, text, jsonb, jsonb); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.record_missed_run(p_job_name text, p_run_id text, p_expected_at_ms bigint, p_detected_at_ms bigint, p_error_message text, p_missed jsonb, p_alert jsonb DEFAULT NULL::jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_expected timestamptz := to_timestamp(p_expected_at_ms / 1000.0);
  v_detected timestamptz := to_timestamp(p_detected_at_ms / 1000.0);
  v_now timestamptz;
  v_has_state boolean;
  v_count integer;
  v_down_since timestamptz;
  v_last_success timestamptz;
  v_last_failure timestamptz;
  v_muted_until timestamptz;
  v_alert_muted_for timestamptz;
  v_last_run timestamptz;
  v_new_count integer;
  v_new_down_since timestamptz;
  v_error text;
  v_transition jsonb;
  v_alert jsonb;
begin
  if jsonb_typeof(p_missed) is distinct from 'object' then
    raise exception 'record_missed_run: p_missed must be {"schedule", "timezone", "last_run_at"}, got %', p_missed
      using errcode = '22023';
  end if;
  perform cronwarden.lock_job(p_job_name, 'record_missed_run');
  v_now := date_trunc('milliseconds', clock_timestamp());
  select true, consecutive_failure_count, down_since, last_success_at, last_failure_at, muted_until, alert_muted_for,
    last_run_at
  into v_has_state, v_count, v_down_since, v_last_success, v_last_failure, v_muted_until, v_alert_muted_for,
    v_last_run
  from cronwarden.cron_job_state where job_name = p_job_name;
  -- A run began at or after the time (between the checker's read and this call): the time
  -- was not missed. Decided under the job's lock, so no run can slip in between.
  if v_last_run >= v_expected then
    return jsonb_build_object('created', false, 'transition', null, 'alert', null);
  end if;
  v_count := coalesce(v_count, 0);
  v_new_count := v_count + 1;
  v_new_down_since := case when v_count = 0 then v_expected else v_down_since end;

  insert into cronwarden.cron_execution_logs
    (run_id, job_name, status, started_at, finished_at, duration_ms, error_message, consecutive_failure_count,
     last_success_at)
  values (
    p_run_id,
    p_job_name,
    'missed',
    v_expected,
    v_detected,
    p_detected_at_ms - p_expected_at_ms,
    cronwarden.clip_error(p_error_message),
    v_new_count,
    v_last_success
  )
  on conflict (run_id) do nothing
  returning error_message into v_error;
  if not found then
    return jsonb_build_object('created', false, 'transition', null, 'alert', null);
  end if;

  if v_has_state then
    update cronwarden.cron_job_state set
      consecutive_failure_count = v_new_count,
      down_since = v_new_down_since,
      last_failure_at = v_detected,
      updated_at = v_now,
      pending_alerts = pending_alerts + (p_alert is not null)::integer
    where job_name = p_job_name;
  else
    insert into cronwarden.cron_job_state
      (job_name, consecutive_failure_count, down_since, last_failure_at, pending_alerts, updated_at)
    values (p_job_name, v_new_count, v_new_down_since, v_detected, (p_alert is not null)::integer, v_now);
  end if;

  v_transition := jsonb_build_object(
    'run_id', p_run_id,
    'status', 'missed',
    'started_at', cronwarden.epoch_ms(v_expected),
    'finished_at', cronwarden.epoch_ms(v_detected),
    'duration_ms', p_detected_at_ms - p_expected_at_ms,
    'error_message', v_error,
    'previous_failure_count', v_count,
    'consecutive_failure_count', v_new_count,
    'last_success_at', cronwarden.epoch_ms(v_last_success),
    'down_since', cronwarden.epoch_ms(v_new_down_since),
    'previous_failure_at', cronwarden.epoch_ms(case when v_count > 0 then v_last_failure end),
    -- Rebuilt from the known fields, so nothing else the caller sent reaches the entry.
    'missed', jsonb_build_object(
      'schedule', p_missed->>'schedule',
      'timezone', p_missed->>'timezone',
      'last_run_at', (p_missed->>'last_run_at')::bigint
    )
  );
  if p_alert is not null then
    v_alert := cronwarden.write_alert(p_job_name, p_run_id,
      jsonb_build_object('kind', 'transition', 'transition', v_transition), p_alert, v_now, true,
      v_muted_until, v_alert_muted_for);
  end if;
  return jsonb_build_object('created', true, 'transition', v_transition, 'alert', v_alert);
end
$$;

--
-- Name: revoke_public_access(); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.revoke_public_access() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

--
-- Name: track_pg_net(bigint); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.track_pg_net(p_request_id bigint) RETURNS bigint
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  insert into cronwarden.pg_net_requests (request_id, backend_pid) values (p_request_id, pg_catalog.pg_backend_pid())
  on conflict (request_id) do nothing;
  select p_request_id;
$$;

--
-- Name: write_alert(text, text, jsonb, jsonb, timestamp with time zone, boolean, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: cronwarden; Owner: -
--

CREATE FUNCTION cronwarden.write_alert(p_job_name text, p_run_id text, p_subject jsonb, p_alert jsonb, p_now timestamp with time zone, p_claimed boolean, p_muted_until timestamp with time zone, p_alert_muted_for timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_owed jsonb := '[]';
  v_muted boolean;
  v_written jsonb;
begin
  -- A loop of simple expressions rather than an aggregate over jsonb_array_elements: each
  -- subquery starts an executor of its own, which cost a finish more than the loop does.
  for i in 0 .. jsonb_array_length(p_alert->'notifiers') - 1 loop
    v_owed := v_owed || jsonb_build_array(cronwarden.pending_state(p_alert->'notifiers'->>i, p_now));
  end loop;
  v_muted := coalesce(p_muted_until > p_now, false)
    or coalesce(p_subject->'transition'->>'status' = 'succeeded'
                and (p_subject->'transition'->>'down_since')::bigint = cronwarden.epoch_ms(p_alert_muted_for), false);
  insert into cronwarden.cron_alerts
    (job_name, run_id, created_at, expires_at, subject, policy, notifiers, claim_token, claimed_until, next_attempt_at,
     muted)
  values (
    p_job_name,
    p_run_id,
    p_now,
    p_now + (p_alert->>'ttlMs')::bigint * interval '1 millisecond',
    p_subject,
    -- Rebuilt rather than copied, so a malformed spec fails here and not in every dispatcher.
    jsonb_build_object(
      'failureThreshold', (p_alert->'policy'->>'failureThreshold')::integer,
      'notifyOnRecovery', (p_alert->'policy'->>'notifyOnRecovery')::boolean,
      'realertEveryMs', (p_alert->'policy'->>'realertEveryMs')::bigint
    ),
    v_owed,
    case when p_claimed then gen_random_uuid() end,
    case when p_claimed then p_now + (p_alert->>'claimMs')::bigint * interval '1 millisecond' end,
    p_now,
    v_muted
  )
  returning jsonb_build_object(
    'alert_id', alert_id::text,
    'created_at', cronwarden.epoch_ms(created_at),
    'claim_token', claim_token::text,
    'muted', muted
  ) into v_written;
  return v_written;
end
$$;

--
-- Name: cron_alerts_alert_id_seq; Type: SEQUENCE; Schema: cronwarden; Owner: -
--

ALTER TABLE cronwarden.cron_alerts ALTER COLUMN alert_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cronwarden.cron_alerts_alert_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: cron_execution_logs; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.cron_execution_logs (
    run_id text NOT NULL,
    id bigint NOT NULL,
    job_name text NOT NULL,
    status text NOT NULL,
    exclusive boolean DEFAULT false NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    duration_ms bigint,
    lease_expires_at timestamp with time zone,
    error_message text,
    consecutive_failure_count integer,
    last_success_at timestamp with time zone,
    holder_run_id text,
    host text,
    summary jsonb,
    deliveries jsonb DEFAULT '[]'::jsonb NOT NULL,
    CONSTRAINT cron_execution_logs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'skipped'::text, 'abandoned'::text, 'missed'::text])))
)
WITH (fillfactor='90');

--
-- Name: cron_execution_logs_id_seq; Type: SEQUENCE; Schema: cronwarden; Owner: -
--

ALTER TABLE cronwarden.cron_execution_logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cronwarden.cron_execution_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: cron_job_state; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.cron_job_state (
    job_name text NOT NULL,
    consecutive_failure_count integer DEFAULT 0 NOT NULL,
    last_success_at timestamp with time zone,
    down_since timestamp with time zone,
    open_runs integer DEFAULT 0 NOT NULL,
    open_since timestamp with time zone,
    pending_alerts integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_run_at timestamp with time zone,
    last_failure_at timestamp with time zone,
    muted_until timestamp with time zone,
    alert_muted_for timestamp with time zone,
    CONSTRAINT cron_job_state_consecutive_failure_count_check CHECK ((consecutive_failure_count >= 0))
)
WITH (fillfactor='50');

--
-- Name: COLUMN cron_job_state.open_runs; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.open_runs IS 'Runs of this job still running. Kept by begin_run and finish_run, under the job''s lock.';

--
-- Name: COLUMN cron_job_state.open_since; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.open_since IS 'No running run of this job started before this time (null when open_runs = 0).';

--
-- Name: COLUMN cron_job_state.pending_alerts; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.pending_alerts IS 'Alert entries of this job with status pending: +1 when one is written, -1 when it settles.';

--
-- Name: COLUMN cron_job_state.last_run_at; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.last_run_at IS 'Start of the job''s latest begun run (skipped ones included, missed times not): what the missed-run check compares schedules with.';

--
-- Name: COLUMN cron_job_state.last_failure_at; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.last_failure_at IS 'When the job''s latest failure (failed, abandoned or missed) closed: a transition''s previous_failure_at, from which reminders are decided.';

--
-- Name: COLUMN cron_job_state.muted_until; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.muted_until IS 'Alert entries written before this time are written muted: recorded, never sent. Null when not muted.';

--
-- Name: COLUMN cron_job_state.alert_muted_for; Type: COMMENT; Schema: cronwarden; Owner: -
--

COMMENT ON COLUMN cronwarden.cron_job_state.alert_muted_for IS 'down_since of the streak whose alert was recorded muted: the success ending that streak is muted too.';

--
-- Name: pg_cron_cursor; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.pg_cron_cursor (
    jobid bigint NOT NULL,
    last_runid bigint NOT NULL
);

--
-- Name: pg_cron_first_seen; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.pg_cron_first_seen (
    runid bigint NOT NULL,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: pg_net_requests; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.pg_net_requests (
    request_id bigint NOT NULL,
    backend_pid integer NOT NULL,
    requested_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);

--
-- Name: schema_migrations; Type: TABLE; Schema: cronwarden; Owner: -
--

CREATE TABLE cronwarden.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: cron_alerts cron_alerts_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.cron_alerts
    ADD CONSTRAINT cron_alerts_pkey PRIMARY KEY (alert_id);

--
-- Name: cron_execution_logs cron_execution_logs_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.cron_execution_logs
    ADD CONSTRAINT cron_execution_logs_pkey PRIMARY KEY (run_id);

--
-- Name: cron_job_state cron_job_state_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.cron_job_state
    ADD CONSTRAINT cron_job_state_pkey PRIMARY KEY (job_name);

--
-- Name: pg_cron_cursor pg_cron_cursor_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.pg_cron_cursor
    ADD CONSTRAINT pg_cron_cursor_pkey PRIMARY KEY (jobid);

--
-- Name: pg_cron_first_seen pg_cron_first_seen_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.pg_cron_first_seen
    ADD CONSTRAINT pg_cron_first_seen_pkey PRIMARY KEY (runid);

--
-- Name: pg_net_requests pg_net_requests_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.pg_net_requests
    ADD CONSTRAINT pg_net_requests_pkey PRIMARY KEY (request_id);

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: cronwarden; Owner: -
--

ALTER TABLE ONLY cronwarden.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: cron_alerts_created_brin; Type: INDEX; Schema: cronwarden; Owner: -
--

CREATE INDEX cron_alerts_created_brin ON cronwarden.cron_alerts USING brin (created_at) WITH (autosummarize='on');

--
-- Name: cron_alerts_job_created_idx; Type: INDEX; Schema: cronwarden; Owner: -
--

CREATE INDEX cron_alerts_job_created_idx ON cronwarden.cron_alerts USING btree (job_name, created_at DESC, alert_id DESC);

--
-- Name: cron_alerts_pending_idx; Type: INDEX; Schema: cronwarden; Owner: -
--

CREATE INDEX cron_alerts_pending_idx ON cronwarden.cron_alerts USING btree (created_at, alert_id) WHERE (status = 'pending'::text);

--
-- Name: cron_execution_logs_job_started_idx; Type: INDEX; Schema: cronwarden; Owner: -
--

CREATE INDEX cron_execution_logs_job_started_idx ON cronwarden.cron_execution_logs USING btree (job_name, started_at DESC, id DESC);

--
-- Name: cron_execution_logs_started_brin; Type: INDEX; Schema: cronwarden; Owner: -
--

CREATE INDEX cron_execution_logs_started_brin ON cronwarden.cron_execution_logs USING brin (started_at) WITH (autosummarize='on');

--
-- PostgreSQL database dump complete
--
