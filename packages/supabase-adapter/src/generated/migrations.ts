// Generated from migrations/*.sql by `pnpm --filter @cronwarden/supabase-adapter migrations:generate`; do not edit.

export const bundledMigrations = [
  {
    version: 0,
    name: '0000_migrations_table.sql',
    sql: `-- cronwarden execution log, 0000: the table \`migrate(db)\` uses to remember applied files.
-- Harmless when the files are applied as plain Supabase migrations instead.
create schema if not exists cronwarden;
revoke all on schema cronwarden from public;

create table if not exists cronwarden.schema_migrations (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
);
revoke all on cronwarden.schema_migrations from public;
`,
  },
  {
    version: 1,
    name: '0001_execution_log.sql',
    sql: `-- cronwarden execution log, 0001: the tables, their indexes and the store's functions.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations) or applied by
-- \`migrate(db)\`. Re-runnable: every statement is idempotent.
--
-- Everything lives in its own schema, not \`public\`, so the Supabase Data API does not expose
-- it, and no privilege is granted to \`anon\` or \`authenticated\` (or PUBLIC). Callers connect
-- as the schema owner (the \`postgres\` role behind SUPABASE_DB_URL).
--
-- Each store operation is ONE function call, so it is one round trip and one transaction,
-- needs no session state, and works through a transaction-mode pooler. Timestamps are
-- truncated to milliseconds, the precision JavaScript can hold, so durations computed here
-- and in JavaScript agree, and they cross to JavaScript as epoch milliseconds.
--
-- Sections:
--   1. tables and indexes          4. the run lifecycle: begin, heartbeat, finish
--   2. expression helpers          5. alert entries: claim, outcome, listing
--   3. the job lock, alert writes  6. pg_cron monitoring, retention, listing, privileges

create schema if not exists cronwarden;
revoke all on schema cronwarden from public;

-------------------------------------------------------------------------------------------
-- 1. Tables and indexes
-------------------------------------------------------------------------------------------

-- One row per job: the streak, the runs still running, the alert entries not yet settled.
-- Every write of a job's row happens under the job's lock (lock_job below), except the
-- relative decrement of pending_alerts when an entry settles, which cannot lose an update.
create table if not exists cronwarden.cron_job_state (
  job_name text primary key,
  consecutive_failure_count integer not null default 0 check (consecutive_failure_count >= 0),
  last_success_at timestamptz,
  -- Start of the first failed run of the current streak (null while healthy).
  down_since timestamptz,
  -- Runs of this job still running, and a lower bound of their start times. A begin with
  -- nothing running reads only this row; otherwise it looks among the job's runs started
  -- since open_since. This replaces an index on status: every finish changes status, so such
  -- an index made every finish a non-HOT update whose dead index entries piled up until
  -- VACUUM (27,000 read per begin after 120,000 runs of one job with autovacuum late).
  open_runs integer not null default 0,
  open_since timestamptz,
  -- Alert entries of this job still 'pending': begin_run reports it without another query,
  -- so a caller knows whether there is anything left to deliver.
  pending_alerts integer not null default 0,
  updated_at timestamptz not null default now()
)
-- Every finish updates its job's row: leave room on the page for HOT updates.
with (fillfactor = 50);

comment on column cronwarden.cron_job_state.open_runs is
  'Runs of this job still running. Kept by begin_run and finish_run, under the job''s lock.';
comment on column cronwarden.cron_job_state.open_since is
  'No running run of this job started before this time (null when open_runs = 0).';
comment on column cronwarden.cron_job_state.pending_alerts is
  'Alert entries of this job with status pending: +1 when one is written, -1 when it settles.';

-- One row per run, as the mission names it. 'missed' rows are scheduled times at which no
-- run started (checkMissedRuns): they never touch the streak or the lease.
create table if not exists cronwarden.cron_execution_logs (
  run_id text primary key,
  -- Insertion order, to order runs that started in the same millisecond.
  id bigint generated always as identity,
  job_name text not null,
  status text not null check (status in ('running', 'succeeded', 'failed', 'skipped', 'abandoned', 'missed')),
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
  -- Every delivery attempt of every alert about this run, oldest first.
  deliveries jsonb not null default '[]'::jsonb
)
-- Heartbeats, finishes and delivery records update rows in place: leave room for HOT updates.
with (fillfactor = 90);

-- "Latest runs of job X" (listRuns, dashboards), and a job's running runs since open_since.
-- Deliberately the only index besides the primary key: nothing a finish changes is indexed,
-- so a finish is a HOT update, which PostgreSQL cleans up page by page without VACUUM.
create index if not exists cron_execution_logs_job_started_idx
  on cronwarden.cron_execution_logs (job_name, started_at desc, id desc);

-- The alert outbox: one entry per transition or event that may deserve an alert, written in
-- the same transaction as the transition, so a decided alert survives any crash after it.
-- Core decides the events from \`subject\` and \`policy\` (the policy stays in one place); a
-- dispatcher claims the entry, delivers it to each owed notifier, and records the outcomes.
create table if not exists cronwarden.cron_alerts (
  alert_id bigint generated always as identity primary key,
  job_name text not null,
  -- The run the entry is about; its deliveries are appended to that run's row.
  run_id text not null,
  created_at timestamptz not null,
  -- After this the entry is given up as expired: recorded, never sent.
  expires_at timestamptz not null,
  -- {"kind": "transition", "transition": {...}} (times as epoch ms) or {"kind": "event", "event": {...}}.
  subject jsonb not null,
  -- {"failureThreshold": n, "notifyOnRecovery": bool}: decided the same by any dispatcher.
  policy jsonb not null,
  -- One state per owed notifier: {notifier, status (pending, failed, delivered, expired),
  -- attempts, last_error, last_attempt_at, next_attempt_at}, times as epoch ms. Empty when
  -- written by SQL-side ingestion without names: owed to the first dispatcher that claims it.
  notifiers jsonb not null,
  -- The decided event's type, once a dispatcher decided it.
  event_type text,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'expired', 'no_event')),
  -- A dispatcher's claim: others skip the entry until claimed_until.
  claim_token uuid,
  claimed_until timestamptz,
  -- The earliest next attempt of its open notifiers: lets a claim pass over entries whose
  -- retries are all in the future without unpacking their notifier states.
  next_attempt_at timestamptz
)
-- Claims and failed attempts update entries in place.
with (fillfactor = 90);

-- What a claim reads: pending entries, oldest first. Small, since entries settle quickly.
create index if not exists cron_alerts_pending_idx
  on cronwarden.cron_alerts (created_at, alert_id)
  where status = 'pending';
-- "Latest alerts of job X" (listAlerts).
create index if not exists cron_alerts_job_created_idx
  on cronwarden.cron_alerts (job_name, created_at desc, alert_id desc);

-- pg_cron monitoring (section 6). Neither pg_cron nor pg_net has to be installed for these:
-- their tables are only looked up when ingest_pg_cron runs.

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

-------------------------------------------------------------------------------------------
-- 2. Expression helpers
-------------------------------------------------------------------------------------------

-- Small expression helpers. They are plain SQL without a pinned search_path ON PURPOSE: that
-- lets PostgreSQL inline them into the calling statement (a SET clause prevents inlining and
-- costs a settings save/restore per call). They only call pg_catalog built-ins and each
-- other, and are only used by the functions below, which pin search_path, so every name in
-- an inlined body resolves under search_path = ''. A body more volatile than its declaration
-- is never inlined (it would run as a separate query), hence the declared volatility of each.

-- Epoch milliseconds: a timezone-free, driver-independent way to hand times to JavaScript.
-- Read through UTC wall time because extract() on timestamptz is only STABLE.
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

-- A notifier owed an entry and not tried yet: due at once. (jsonb_build_object is STABLE.)
create or replace function cronwarden.pending_state(p_notifier text, p_at timestamptz)
returns jsonb
language sql
stable
as $$
  select jsonb_build_object(
    'notifier', p_notifier,
    'status', 'pending',
    'attempts', 0,
    'last_error', null,
    'last_attempt_at', null,
    'next_attempt_at', cronwarden.epoch_ms(p_at)
  )
$$;

-- An alert entry as claims and listings hand it to JavaScript (a PendingAlert or an AlertRecord).
create or replace function cronwarden.alert_json(p_entry cronwarden.cron_alerts, p_now timestamptz)
returns jsonb
language sql
stable
as $$
  select jsonb_build_object(
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
  )
$$;

-------------------------------------------------------------------------------------------
-- 3. The job lock, and writing alert entries
-------------------------------------------------------------------------------------------

-- The job's lock. Everything that writes a job's row or closes one of its runs takes it:
-- begin_run, finish_run (and through it abandoning and pg_cron ingestion), and the functions
-- that write alert entries outside a transition. Under it the functions read the rows and
-- write them back with short plain statements and no row locks (each would cost a WAL
-- record, and one large statement costs more to start than several small ones).
-- Transaction-scoped, so safe behind a pooler (session-level advisory locks are not).
-- It only helps at READ COMMITTED, where each later statement reads with a fresh snapshot,
-- so it sees what was committed before the lock was granted; at a stricter level the
-- caller's reads would predate the lock, so refuse.
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

-- Writes one alert entry. p_alert is an AlertSpec:
--   {"policy": {...}, "notifiers": ["slack", ...], "ttlMs": n, "claimMs": n}.
-- Claimed by its writer (p_claimed) when the writer delivers it next, so no sweeper sends it
-- meanwhile; a writer that crashed loses the claim after claimMs. Returns only what the
-- writer cannot know ({alert_id, created_at, claim_token}): the rest of a new entry follows
-- from the spec, and building the whole entry as JSON here cost a finish a tenth of its CPU.
-- The caller counts the entry in its job's pending_alerts (finish_run does it in the update
-- it makes anyway).
create or replace function cronwarden.write_alert(
  p_job_name text,
  p_run_id text,
  p_subject jsonb,
  p_alert jsonb,
  p_now timestamptz,
  p_claimed boolean
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_owed jsonb := '[]';
  v_written jsonb;
begin
  -- A loop of simple expressions rather than an aggregate over jsonb_array_elements: each
  -- subquery starts an executor of its own, which cost a finish more than the loop does.
  for i in 0 .. jsonb_array_length(p_alert->'notifiers') - 1 loop
    v_owed := v_owed || jsonb_build_array(cronwarden.pending_state(p_alert->'notifiers'->>i, p_now));
  end loop;
  insert into cronwarden.cron_alerts
    (job_name, run_id, created_at, expires_at, subject, policy, notifiers, claim_token, claimed_until, next_attempt_at)
  values (
    p_job_name,
    p_run_id,
    p_now,
    p_now + (p_alert->>'ttlMs')::bigint * interval '1 millisecond',
    p_subject,
    -- Rebuilt rather than copied, so a malformed spec fails here and not in every dispatcher.
    jsonb_build_object(
      'failureThreshold', (p_alert->'policy'->>'failureThreshold')::integer,
      'notifyOnRecovery', (p_alert->'policy'->>'notifyOnRecovery')::boolean
    ),
    v_owed,
    case when p_claimed then gen_random_uuid() end,
    case when p_claimed then p_now + (p_alert->>'claimMs')::bigint * interval '1 millisecond' end,
    p_now
  )
  returning jsonb_build_object(
    'alert_id', alert_id::text,
    'created_at', cronwarden.epoch_ms(created_at),
    'claim_token', claim_token::text
  ) into v_written;
  return v_written;
end
$$;

-- Counts an entry written outside a transition (a missed run, an event) in its job's row,
-- creating the row for a job never seen. Called under the job's lock.
create or replace function cronwarden.count_pending_alert(p_job_name text, p_now timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update cronwarden.cron_job_state set pending_alerts = pending_alerts + 1 where job_name = p_job_name;
  if not found then
    insert into cronwarden.cron_job_state (job_name, pending_alerts, updated_at) values (p_job_name, 1, p_now);
  end if;
end
$$;

-------------------------------------------------------------------------------------------
-- 4. The run lifecycle
-------------------------------------------------------------------------------------------

-- finishRun: under the job's lock, closes one running run with the job's new streak, writes
-- the streak to the job's row (which releases the run's lease), and writes an alert entry
-- when p_alert is given and the transition could lead to an event: a failure or an abandon
-- (it may reach the threshold), or a success that ended a streak (a recovery). Never for a
-- success after a success. Returns {"transition": {...}, "alert": {...} or null}, the alert
-- as write_alert returns it, or null when the run is not running any more (a later run
-- closed it as abandoned), so an outcome is never counted twice.
-- begin_run's abandon step and pg_cron ingestion call it too, with status 'abandoned' or
-- the time the run really ended (p_finished_at), and entries written unclaimed (p_claim).
create or replace function cronwarden.finish_run(
  p_job_name text,
  p_run_id text,
  p_status text,
  p_error_message text,
  p_summary jsonb,
  p_alert jsonb default null,
  p_finished_at timestamptz default null,
  p_claim boolean default true
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_succeeded boolean := p_status = 'succeeded';
  v_now timestamptz;
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
  select consecutive_failure_count, down_since, last_success_at into v_count, v_down_since, v_last_success
  from cronwarden.cron_job_state where job_name = p_job_name;
  v_count := coalesce(v_count, 0);
  v_new_count := case when v_succeeded then 0 else v_count + 1 end;
  v_end := coalesce(p_finished_at, v_now);

  -- \`(job_name = ...) is true\` rather than \`job_name = ...\`: no index can serve it, so the
  -- plan is always the primary key. PL/pgSQL caches a generic plan after a few calls; one
  -- made while the table was nearly empty used the (job_name, started_at) index, and then
  -- every finish read all of the job's runs (3.5 ms per run after 8,000 runs of one job).
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
    updated_at = v_finished,
    -- Not below 0: pg_cron ingestion closes rows it inserted itself, without begin_run.
    open_runs = greatest(open_runs - 1, 0),
    open_since = case when open_runs <= 1 then null else open_since end,
    pending_alerts = pending_alerts + v_writes_alert::integer
  where job_name = p_job_name;
  if not found then
    -- A job whose runs never went through begin_run (pg_cron ingestion) gets its row here.
    insert into cronwarden.cron_job_state
      (job_name, consecutive_failure_count, last_success_at, down_since, pending_alerts, updated_at)
    values (p_job_name, v_new_count, v_new_last_success, v_new_down_since, v_writes_alert::integer, v_finished);
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
    'down_since', cronwarden.epoch_ms(case when v_succeeded then v_down_since else v_new_down_since end)
  );
  if v_writes_alert then
    v_alert := cronwarden.write_alert(p_job_name, p_run_id,
      jsonb_build_object('kind', 'transition', 'transition', v_transition), p_alert, v_now, p_claim);
  end if;
  return jsonb_build_object('transition', v_transition, 'alert', v_alert);
end
$$;

-- Closes this job's runs whose lease expired as 'abandoned', each counted as a failure (with
-- an unclaimed alert entry when p_alert is given), and returns their transitions, oldest
-- first. Called by begin_run under the job's lock.
create or replace function cronwarden.abandon_expired(p_job_name text, p_now timestamptz, p_alert jsonb)
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

-- beginRun: under the job's lock, close its expired runs as abandoned (each a failure, with
-- an unclaimed alert entry when p_alert is given), then record a 'running' row (holding the
-- job's lease when exclusive), or a 'skipped' row naming the live holder. Also returns the
-- job's alert entries still pending, so the caller knows whether any is left to deliver.
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
begin
  perform cronwarden.lock_job(p_job_name, 'begin_run');
  v_now := date_trunc('milliseconds', clock_timestamp());
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
-- is written so no index can serve it (see finish_run): the primary key finds the run.
create or replace function cronwarden.heartbeat(p_job_name text, p_run_id text, p_lease_ms integer)
returns boolean
language sql
set search_path = ''
as $$
  with renewed as (
    update cronwarden.cron_execution_logs
    set lease_expires_at = date_trunc('milliseconds', clock_timestamp()) + p_lease_ms * interval '1 millisecond'
    where run_id = p_run_id and (job_name = p_job_name) is true and status = 'running'
    returning 1
  )
  select exists (select 1 from renewed)
$$;

-- recordMissedRun: a 'missed' row for a scheduled time at which no run started, and, when
-- p_alert is given, a claimed entry for p_event (the missed_run event to deliver) in the
-- same transaction. \`created\` is true only for the caller that created the row, so
-- concurrent detectors alert once per missed time. The row does not touch the streak.
create or replace function cronwarden.record_missed_run(
  p_job_name text,
  p_run_id text,
  p_expected_at_ms bigint,
  p_detected_at_ms bigint,
  p_error_message text,
  p_event jsonb default null,
  p_alert jsonb default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz;
  v_alert jsonb;
begin
  if p_alert is not null then
    perform cronwarden.lock_job(p_job_name, 'record_missed_run');
  end if;
  insert into cronwarden.cron_execution_logs
    (run_id, job_name, status, started_at, finished_at, duration_ms, error_message, last_success_at)
  values (
    p_run_id,
    p_job_name,
    'missed',
    to_timestamp(p_expected_at_ms / 1000.0),
    to_timestamp(p_detected_at_ms / 1000.0),
    null,
    cronwarden.clip_error(p_error_message),
    (select last_success_at from cronwarden.cron_job_state where job_name = p_job_name)
  )
  on conflict (run_id) do nothing;
  if not found then
    return jsonb_build_object('created', false, 'alert', null);
  end if;
  if p_alert is not null then
    v_now := date_trunc('milliseconds', clock_timestamp());
    v_alert := cronwarden.write_alert(p_job_name, p_run_id,
      jsonb_build_object('kind', 'event', 'event', p_event), p_alert, v_now, true);
    perform cronwarden.count_pending_alert(p_job_name, v_now);
  end if;
  return jsonb_build_object('created', true, 'alert', v_alert);
end
$$;

-------------------------------------------------------------------------------------------
-- 5. Alert entries: events decided outside a transition, claims, outcomes, listing
-------------------------------------------------------------------------------------------

-- enqueueAlert: a claimed entry for an event decided while it happened (a run passing its
-- maximum runtime), so it is delivered durably like the others.
create or replace function cronwarden.enqueue_alert(p_job_name text, p_run_id text, p_event jsonb, p_alert jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz;
  v_alert jsonb;
begin
  perform cronwarden.lock_job(p_job_name, 'enqueue_alert');
  v_now := date_trunc('milliseconds', clock_timestamp());
  v_alert := cronwarden.write_alert(p_job_name, p_run_id,
    jsonb_build_object('kind', 'event', 'event', p_event), p_alert, v_now, true);
  perform cronwarden.count_pending_alert(p_job_name, v_now);
  return v_alert;
end
$$;

-- claimAlerts: hands up to p_limit due entries to one dispatcher, oldest first, as a JSON
-- array. Due: pending, of the given jobs (null: every job), not claimed by a live dispatcher,
-- and either expired (any dispatcher records it expired) or owing one of p_notifiers an
-- attempt that is due. An entry owing no one yet (ingested in SQL without names) is owed to
-- the notifiers of the first dispatcher that claims it. SKIP LOCKED: two dispatchers
-- claiming at once never get the same entry; an entry another one claimed and committed
-- meanwhile is re-checked and fails the claimed_until test.
create or replace function cronwarden.claim_alerts(
  p_job_names text[],
  p_notifiers text[],
  p_limit integer,
  p_claim_ms bigint
)
returns jsonb
language plpgsql
set search_path = ''
as $$
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

-- recordAlertOutcome: merges each notifier's outcome into the entry, appends the attempts to
-- the run's deliveries, settles the entry when it can, and releases the claim, in one
-- transaction. delivered and expired are final: a late outcome never undoes them, while a
-- late dispatcher's delivery is still merged (it happened). The claim is released only by
-- its holder. The entry's row is locked first, so it leaves 'pending' (and its job's count
-- drops) exactly once. p_outcomes: [{notifier, event_type, status, error_message,
-- attempted_at, duration_ms, retryAfterMs}]. An unknown p_alert_id does nothing.
create or replace function cronwarden.record_alert_outcome(
  p_alert_id text,
  p_claim_token text,
  p_event_type text,
  p_outcomes jsonb
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz;
  v_entry cronwarden.cron_alerts;
  v_outcomes jsonb := coalesce(p_outcomes, '[]'::jsonb);
  v_outcome jsonb;
  v_states jsonb;
  v_status text;
  v_next_ms bigint;
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
    select jsonb_agg(
      case
        when state->>'notifier' is distinct from v_outcome->>'notifier' or state->>'status' not in ('pending', 'failed')
          then state
        when v_outcome->>'status' = 'delivered' then state || jsonb_build_object(
          'status', 'delivered',
          'attempts', (state->>'attempts')::integer + 1,
          'last_attempt_at', cronwarden.epoch_ms(coalesce((v_outcome->>'attempted_at')::timestamptz, v_now)),
          'next_attempt_at', null)
        when v_outcome->>'status' = 'expired' then state || jsonb_build_object(
          'status', 'expired',
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

  if v_entry.status = 'pending' and v_status <> 'pending' then
    -- Relative, so it needs no job lock: nothing else writes the count absolutely.
    update cronwarden.cron_job_state set pending_alerts = greatest(pending_alerts - 1, 0)
    where job_name = v_entry.job_name;
  end if;
end
$$;

-- listAlerts: the newest alert entries of a job, as one JSON array.
create or replace function cronwarden.list_alerts(p_job_name text, p_limit integer)
returns jsonb
language sql
stable
set search_path = ''
as $$
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

-------------------------------------------------------------------------------------------
-- 6. pg_cron monitoring, listing runs, retention, privileges
-------------------------------------------------------------------------------------------

-- Trigger-level monitoring of pg_cron jobs. A wrapper inside a job only sees runs that
-- started. ingest_pg_cron reads what pg_cron itself recorded (cron.job_run_details) and, for
-- jobs whose command calls an Edge Function through pg_net, the HTTP response
-- (net._http_response), and records each finished trigger through the same streak as
-- wrapped runs (finish_run), with its alert entry in the same transaction. A dispatcher
-- (checkPgCronRuns, deliverPendingAlerts) decides and delivers the entries later, so the
-- policy stays in core and the ingestion can run inside the database, from pg_cron itself.

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
-- p_alert is the AlertSpec the entries are written with, unclaimed (the caller claims them
-- next). Without it (a pg_cron job calling this directly) they get the default policy
-- (threshold 2, no recovery notice), a 24 h time to live, and no notifier names: they are
-- owed to the notifiers of the first dispatcher that claims them.
create or replace function cronwarden.ingest_pg_cron(
  p_pg_cron_jobs text[],
  p_job_names text[],
  p_stuck_after_ms bigint,
  p_alert jsonb default null
)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_stuck_after interval := p_stuck_after_ms * interval '1 millisecond';
  v_has_pg_net boolean := pg_catalog.to_regclass('net._http_response') is not null;
  v_alert jsonb := coalesce(p_alert,
    '{"policy": {"failureThreshold": 2, "notifyOnRecovery": false}, "notifiers": [], "ttlMs": 86400000, "claimMs": 0}');
  v_row record;
  v_blocked bigint[] := '{}';
  v_job_name text;
  v_status text;
  v_message text;
  v_finished timestamptz;
  v_since timestamptz;
  v_http record;
  v_run_id text;
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
      -- libpq-mode messages end in a newline ("ERROR:  division by zero\\n"); keep the rest as is.
      v_message := case when v_row.status = 'failed'
        then coalesce(nullif(pg_catalog.rtrim(v_row.return_message, E' \\n'), ''), 'pg_cron run failed') end;
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
      perform cronwarden.finish_run(v_job_name, v_run_id, v_status, v_message, null, v_alert,
                                    pg_catalog.date_trunc('milliseconds', v_finished), false);
      v_recorded := v_recorded + 1;
    end if;
    insert into cronwarden.pg_cron_cursor (jobid, last_runid) values (v_row.jobid, v_row.runid)
    on conflict (jobid) do update set last_runid = excluded.last_runid;
    delete from cronwarden.pg_cron_first_seen where runid = v_row.runid;
  end loop;
  return v_recorded;
end
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

-- Retention: delete finished rows and settled alert entries older than p_days days; running
-- rows and pending entries are always kept. Returns the number of runs deleted.
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
  delete from cronwarden.cron_alerts
  where created_at < now() - p_days * interval '1 day' and status <> 'pending';
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
`,
  },
  {
    version: 2,
    name: '0002_clip_error_like_core.sql',
    sql: `-- cronwarden execution log, 0002: error messages clipped in SQL exactly as core clips them.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0001) or
-- applied by \`migrate(db)\`. Re-runnable.
--
-- Core clips every error message to 8000 UTF-16 units before a store sees it: the head, then
-- " [truncated N characters]", 8000 in all, the marker sized for the largest count it could
-- show, never cutting a surrogate pair in two. 0001's clip_error kept 8000 characters and
-- appended the marker after them, so text written straight to SQL (pg_cron's
-- return_message, a notifier's error, a direct store call) came out longer than, and
-- different from, what every other store keeps. Same algorithm here, and the same units:
-- PostgreSQL counts code points, JavaScript counts UTF-16 units, in which a character
-- outside the Basic Multilingual Plane (an emoji) counts twice; so those are counted twice.
--
-- The search_path is pinned now (Supabase's advisor flags a function without one). That stops
-- PostgreSQL from inlining it into its callers: a function call per finish, within noise of
-- the rest of a finish.

create or replace function cronwarden.clip_error(message text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
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

select cronwarden.revoke_public_access();
`,
  },
  {
    version: 3,
    name: '0003_begin_run_repeatable.sql',
    sql: `-- cronwarden execution log, 0003: a begin can be repeated with the same run id.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0002) or
-- applied by \`migrate(db)\`. Re-runnable.
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
`,
  },
  {
    version: 4,
    name: '0004_log_indexes.sql',
    sql: `-- cronwarden execution log, 0004: time-range indexes for reads across jobs and for retention;
-- purge in bounded batches.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0003) or
-- applied by \`migrate(db)\`. Re-runnable.
--
-- Until now the log had one index besides its primary key, (job_name, started_at): "failures
-- of the last 24 hours" across jobs, and purge's delete, read the whole table. A B-tree on
-- started_at would serve them, but every run would then write one more B-tree entry. A BRIN
-- index keeps one small summary (min and max started_at) per 128 pages, which fits a table
-- written in time order: a range read skips every page range outside the window, and the
-- index of a million runs is a few pages. Inserts into the table's unsummarized tail (new
-- runs) cost nothing; autosummarize asks autovacuum to summarize each range once it fills.
--
-- Why not on status (see cron_job_state.open_runs in 0001): on PostgreSQL 15 an update that
-- changes any indexed column, BRIN included, is not HOT. started_at never changes after the
-- insert, so finishes, heartbeats and delivery records stay HOT.
--
-- Its precision decays where purge frees pages that new runs then fill: such a page range
-- holds old and new times, so its summary is wide and a range read scans it. It is still a
-- fraction of the table, far less than the sequential scan it replaces.
--
-- Built with a plain CREATE INDEX (migrations run in a transaction, where CONCURRENTLY is
-- refused): it blocks writes to the table while it reads it once (0.2 s for a million runs
-- on a small server).

create index if not exists cron_execution_logs_started_brin
  on cronwarden.cron_execution_logs using brin (started_at)
  with (autosummarize = on);

-- The same for the alert outbox: purge deletes settled entries by created_at, which no other
-- index leads with. created_at never changes either.
create index if not exists cron_alerts_created_brin
  on cronwarden.cron_alerts using brin (created_at)
  with (autosummarize = on);

-- Retention, now through those indexes, and optionally in batches. With p_batch_size null
-- (and \`cronwarden.purge(90)\`, as before) it deletes all finished runs and settled alert
-- entries older than p_days days in one statement each, and returns the runs deleted. With
-- p_batch_size it deletes at most that many rows in all: finished runs first, then, once
-- none is left, settled alert entries; it returns the rows deleted (runs and entries), so a
-- caller repeats it until it returns less than p_batch_size. Each batch is one short
-- transaction, so purging millions of rows holds no lock or snapshot for long and lets
-- autovacuum reuse the space as it goes. Running rows and pending entries are always kept.
--
-- One function with a defaulted argument rather than a second overload: a call with one
-- argument keeps working, and the schema keeps one signature per function.
--
-- plan_cache_mode: the delete must be planned with the real cutoff. PL/pgSQL may cache a
-- generic plan after five calls in one session (a batch loop), and a generic plan guesses a
-- third of the table for \`started_at < $1\`, which a sequential scan wins.
drop function if exists cronwarden.purge(integer);

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
  return v_runs + v_entries;
end
$$;

-- readJobHealth: every job's health in one call, as one JSON array sorted by job name (code
-- point order): the newest p_recent_runs runs (oldest first), the streak, the runs still
-- running with their leases, and the job's alert entries pending, retrying a failed notifier,
-- or expired within p_expired_within_ms. p_jobs null means every job in cron_job_state.
-- Times as epoch milliseconds, like list_runs. Each part goes through an index:
--   * the strip: a LIMIT on the (job_name, started_at desc, id desc) index, per job;
--   * running runs: only jobs whose row counts open runs, and only their runs started since
--     open_since (the same index), never a scan on status;
--   * pending and failed: all pending entries, through the partial index on them;
--   * expired: per job, its entries in the window through (job_name, created_at).
-- A function rather than a query text sent by the client: the query costs enough (500
-- jobs) to cross PostgreSQL's default jit_above_cost, and compiling it took 45 ms on
-- top of 60 ms of work; \`set jit = off\` here keeps that out without touching the session.
-- It also makes the health readable from SQL: \`select cronwarden.job_health()\`.
-- json rather than jsonb: it is only sent, never queried, and building jsonb (a binary
-- value, then printed) took twice as long for a thousand jobs.
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
      'last_success_at', cronwarden.epoch_ms(job.last_success_at),
      'down_since', cronwarden.epoch_ms(job.down_since),
      'running', running.runs,
      'pending', coalesce(pending.pending, 0),
      'failed', coalesce(pending.failed, 0),
      'expired', expired.entries
    ) order by job.job_name collate "C"), '[]'::json)
  from cronwarden.cron_job_state as job
  -- [run_id, status, started_at, duration_ms]: arrays, not objects, to keep a thousand strips small.
  cross join lateral (
    select coalesce(json_agg(
        json_build_array(newest.run_id, newest.status, cronwarden.epoch_ms(newest.started_at), newest.duration_ms)
        order by newest.started_at, newest.id), '[]'::json) as runs
    from (
      select run.run_id, run.status, run.started_at, run.id, run.duration_ms
      from cronwarden.cron_execution_logs as run
      where run.job_name = job.job_name
      order by run.started_at desc, run.id desc
      limit greatest(p_recent_runs, 0)
    ) as newest
  ) as strip
  -- [run_id, started_at, lease_expires_at, host]; a lease without an end (infinity) as null.
  cross join lateral (
    select coalesce(json_agg(
        json_build_array(run.run_id, cronwarden.epoch_ms(run.started_at),
          case when pg_catalog.isfinite(run.lease_expires_at) then cronwarden.epoch_ms(run.lease_expires_at) end,
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

select cronwarden.revoke_public_access();
`,
  },
  {
    version: 5,
    name: '0005_search_path_and_purge.sql',
    sql: `-- cronwarden execution log, 0005: every function pins its search_path; purge also deletes the
-- pg_net requests track_pg_net recorded.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0004) or
-- applied by \`migrate(db)\`. Re-runnable.

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
`,
  },
  {
    version: 6,
    name: '0006_pg_cron_ingest_batches.sql',
    sql: `-- cronwarden execution log, 0006: pg_cron ingestion starts at the present, reads only the rows
-- past each job's cursor, and commits in bounded batches.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0005) or
-- applied by \`migrate(db)\`. Re-runnable.
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
--   * each job's new rows are read with \`jobid = $1 and runid > cursor order by runid limit
--     n\`, a range scan of the primary key from the cursor (pg_cron's table has no index on
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
        -- libpq-mode messages end in a newline ("ERROR:  division by zero\\n"); keep the rest as is.
        v_message := case when v_row.status = 'failed'
          then coalesce(nullif(pg_catalog.rtrim(v_row.return_message, E' \\n'), ''), 'pg_cron run failed') end;
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
`,
  },
  {
    version: 7,
    name: '0007_missed_streak_and_mute.sql',
    sql: `-- cronwarden execution log, 0007: missed times count in the streak; reminders; muting a job.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0006) or
-- applied by \`migrate(db)\`. Re-runnable.
--
-- What changed in the store's port, and so here:
--   * A missed scheduled time is a failed execution of the job: record_missed_run now adds
--     it to the job's streak under the job's lock, like finish_run adds a failed run, and
--     writes its transition (status 'missed') as a claimed alert entry. Until now it wrote a
--     row beside the streak and an entry holding an event decided by the caller, so a job
--     whose trigger stopped alerted once per missed time and never reached its threshold.
--   * Reminders (realertEveryMs): every transition carries previous_failure_at, when the
--     streak's previous failure closed, so core decides from the transition alone whether a
--     reminder interval passed. The job's row keeps last_failure_at for it.
--   * Muting: mute_job sets the job's muted_until; an entry written while it lies ahead is
--     written muted, and a dispatcher records it 'muted' for every notifier instead of
--     sending it. The streak's alert being muted marks the job (alert_muted_for), so the
--     success ending that streak is muted too: no recovery notice for an outage nobody heard of.
--   * get_job answers the missed-run check's question (when did the job last start?) from the
--     job's row (last_run_at), where the check read the job's last 200 runs before.

-------------------------------------------------------------------------------------------
-- 1. Columns and constraints
-------------------------------------------------------------------------------------------

-- No default and nullable: adding them rewrites nothing, and no index covers them, so the
-- updates begin_run and finish_run make to the job's row stay HOT.
alter table cronwarden.cron_job_state
  add column if not exists last_run_at timestamptz,
  add column if not exists last_failure_at timestamptz,
  add column if not exists muted_until timestamptz,
  add column if not exists alert_muted_for timestamptz;

comment on column cronwarden.cron_job_state.last_run_at is
  'Start of the job''s latest begun run (skipped ones included, missed times not): what the missed-run check compares schedules with.';
comment on column cronwarden.cron_job_state.last_failure_at is
  'When the job''s latest failure (failed, abandoned or missed) closed: a transition''s previous_failure_at, from which reminders are decided.';
comment on column cronwarden.cron_job_state.muted_until is
  'Alert entries written before this time are written muted: recorded, never sent. Null when not muted.';
comment on column cronwarden.cron_job_state.alert_muted_for is
  'down_since of the streak whose alert was recorded muted: the success ending that streak is muted too.';

-- Decided when the entry is written (write_alert), so any dispatcher, at any time, records
-- the same thing: unmuting later does not send what was decided while muted.
alter table cronwarden.cron_alerts add column if not exists muted boolean not null default false;

-- 'muted': every owed notifier recorded muted. Dropped and added again (re-runnable); every
-- existing row passes the wider check.
alter table cronwarden.cron_alerts
  drop constraint if exists cron_alerts_status_check,
  add constraint cron_alerts_status_check check (status in ('pending', 'delivered', 'expired', 'no_event', 'muted'));

-- last_run_at from the log: each job's newest begun run, read backwards through the
-- (job_name, started_at desc, id desc) index until the first row that is not a missed time,
-- so a large log is not scanned. Only where still null, so a second run changes nothing.
update cronwarden.cron_job_state as job
set last_run_at = (
  select run.started_at from cronwarden.cron_execution_logs as run
  where run.job_name = job.job_name and run.status <> 'missed'
  order by run.started_at desc, run.id desc
  limit 1
)
where job.last_run_at is null;

-- last_failure_at for the jobs failing now, so the first failure after the upgrade can
-- remind: the streak's latest failure is the newest failed or abandoned row that closed with
-- the job's current count. Missed rows of earlier versions never counted, and have no count.
update cronwarden.cron_job_state as job
set last_failure_at = (
  select run.finished_at from cronwarden.cron_execution_logs as run
  where run.job_name = job.job_name
    and run.status in ('failed', 'abandoned')
    and run.consecutive_failure_count = job.consecutive_failure_count
  order by run.started_at desc, run.id desc
  limit 1
)
where job.consecutive_failure_count > 0 and job.last_failure_at is null;

-------------------------------------------------------------------------------------------
-- 2. Writing and reading alert entries
-------------------------------------------------------------------------------------------

-- write_alert now decides whether the entry is muted, from the job's mute state its caller
-- read under the job's lock anyway (finish_run reads the job's row already; one more read
-- here would cost every finish that writes an entry). Muted: the job is muted now, or the
-- entry is a success ending the streak whose alert was recorded muted. The policy keeps
-- realertEveryMs (null for none). New arguments, so the old signature is dropped: the
-- schema keeps one signature per function, and every caller is replaced below.
drop function if exists cronwarden.write_alert(text, text, jsonb, jsonb, timestamptz, boolean);

-- Writes one alert entry. p_alert is an AlertSpec:
--   {"policy": {...}, "notifiers": ["slack", ...], "ttlMs": n, "claimMs": n}.
-- Claimed by its writer (p_claimed) when the writer delivers it next, so no sweeper sends it
-- meanwhile; a writer that crashed loses the claim after claimMs. Returns only what the
-- writer cannot know ({alert_id, created_at, claim_token, muted}). The caller counts the
-- entry in its job's pending_alerts. p_muted_until and p_alert_muted_for are the job's
-- columns as the caller read them under the job's lock.
create or replace function cronwarden.write_alert(
  p_job_name text,
  p_run_id text,
  p_subject jsonb,
  p_alert jsonb,
  p_now timestamptz,
  p_claimed boolean,
  p_muted_until timestamptz,
  p_alert_muted_for timestamptz
)
returns jsonb
language plpgsql
set search_path = ''
as $$
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

-- An alert entry as claims and listings hand it to JavaScript: 0005's, with \`muted\`.
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

-- enqueueAlert: 0001's, with the entry muted while the job is.
create or replace function cronwarden.enqueue_alert(p_job_name text, p_run_id text, p_event jsonb, p_alert jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
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

-- recordAlertOutcome: 0001's, with the 'muted' outcome, and the job's alert_muted_for mark.
-- A 'muted' outcome is final like 'delivered' and 'expired', and not an attempt (attempts
-- stay as they are). An entry settles 'muted' when no owed notifier is left open and each
-- was muted or delivered, some muted; 'expired' when any expired.
-- The mark: a 'muted' outcome of the event that alerted the streak (consecutive_failures or
-- missed_run) sets alert_muted_for to the streak's down_since, so the success ending it is
-- written muted (write_alert); a 'delivered' still_failing reminder of that streak clears it
-- (someone heard of the outage after all, so the recovery is sent). Only outcomes that
-- changed a notifier's state count: a late one for a settled notifier changes nothing.
-- The mark is written without the job's lock: it is one column of the job's row, written by
-- a single statement, and finish_run reads it under the lock, so a success sees the mark of
-- any outcome committed before it.
create or replace function cronwarden.record_alert_outcome(
  p_alert_id text,
  p_claim_token text,
  p_event_type text,
  p_outcomes jsonb
)
returns void
language plpgsql
set search_path = ''
as $$
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
$$;

-------------------------------------------------------------------------------------------
-- 3. The run lifecycle
-------------------------------------------------------------------------------------------

-- finishRun: 0001's, and:
--   * the transition carries previous_failure_at (the job's last_failure_at when the streak
--     was open, else null) and missed (null: only missed times have a schedule);
--   * a failure or abandon sets last_failure_at to when it closed;
--   * last_run_at moves up to the run's start: pg_cron ingestion closes rows that never went
--     through begin_run, and those runs started too;
--   * the entry is muted as write_alert decides, and a success clears alert_muted_for: the
--     streak it marked is over, so the mark cannot outlive it.
create or replace function cronwarden.finish_run(
  p_job_name text,
  p_run_id text,
  p_status text,
  p_error_message text,
  p_summary jsonb,
  p_alert jsonb default null,
  p_finished_at timestamptz default null,
  p_claim boolean default true
)
returns jsonb
language plpgsql
set search_path = ''
as $$
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

  -- \`(job_name = ...) is true\` rather than \`job_name = ...\`: no index can serve it, so the
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

-- beginRun: 0003's, and both the started and the skipped branch move the job's last_run_at
-- up to this run's start (greatest: a clock stepped back must not move it down). A skipped
-- run is an attempt the trigger made, so the missed-run check must not count its time as missed.
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

-- recordMissedRun: a missed time is now a failure in the job's streak. The argument that
-- held the caller's event (p_event) holds the schedule the time was missed on (p_missed)
-- instead: the event is decided from the transition later, like a failed run's. Same
-- argument types, but a parameter cannot be renamed in place, hence drop and create.
drop function if exists cronwarden.record_missed_run(text, text, bigint, bigint, text, jsonb, jsonb);

-- Under the job's lock, records a 'missed' row for a scheduled time at which no run started
-- (p_expected_at_ms), declared missed at p_detected_at_ms, and counts it in the streak like a
-- failed run: the count goes up by one, down_since is the scheduled time when the streak
-- begins with it, last_failure_at is the detection time. The row keeps the count and
-- duration_ms (detection minus scheduled time: the grace period). p_missed is
-- {"schedule": text, "timezone": text, "last_run_at": epoch ms or null}, kept with the
-- transition for its event. With p_alert, a claimed entry for the transition, counted in the
-- job's pending_alerts. Created once per run id: \`created\` is true only for the caller that
-- created the row, and only that caller gets the transition and the entry, so concurrent
-- detectors count and alert a missed time once.
-- Returns {"created": bool, "transition": {...} or null, "alert": {...} or null}.
create or replace function cronwarden.record_missed_run(
  p_job_name text,
  p_run_id text,
  p_expected_at_ms bigint,
  p_detected_at_ms bigint,
  p_error_message text,
  p_missed jsonb,
  p_alert jsonb default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
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

-------------------------------------------------------------------------------------------
-- 4. Reading a job, muting it
-------------------------------------------------------------------------------------------

-- getJob: one job's streak, last run and mute, or null for a job without a row. One read of
-- the job's row by its primary key, where the missed-run check read its last 200 runs.
create or replace function cronwarden.get_job(p_job_name text)
returns jsonb
language sql
stable
set search_path = ''
as $$
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

-- muteJob: sets the job's muted_until (null unmutes), creating the job's row for a job that
-- never ran, so the mute applies from its first run. Under the job's lock: begin_run and
-- record_missed_run insert a missing row under it without expecting another writer.
create or replace function cronwarden.mute_job(p_job_name text, p_until_ms bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform cronwarden.lock_job(p_job_name, 'mute_job');
  insert into cronwarden.cron_job_state (job_name, muted_until, updated_at)
  values (p_job_name, to_timestamp(p_until_ms / 1000.0), date_trunc('milliseconds', clock_timestamp()))
  on conflict (job_name) do update set muted_until = excluded.muted_until;
end
$$;

-- readJobHealth: 0005's job_health, with each job's muted_until (what \`cronwarden status\`
-- shows). Unchanged otherwise.
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

select cronwarden.revoke_public_access();
`,
  },
]
