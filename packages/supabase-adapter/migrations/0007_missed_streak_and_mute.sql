-- cronwarden execution log, 0007: missed times count in the streak; reminders; muting a job.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0006) or
-- applied by `migrate(db)`. Re-runnable.
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

-- An alert entry as claims and listings hand it to JavaScript: 0005's, with `muted`.
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
-- job's pending_alerts. Created once per run id: `created` is true only for the caller that
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

-- readJobHealth: 0005's job_health, with each job's muted_until (what `cronwarden status`
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
