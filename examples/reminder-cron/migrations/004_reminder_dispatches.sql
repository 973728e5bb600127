-- One row per reminder owed: an assignment and the due date it fell due at (its last contact
-- plus its interval). The row is the claim: it is written before the send, it is unique per
-- assignment and due date, and its idempotency key goes with every attempt, so two runs at
-- once, a retry after a crash or a double trigger never deliver one reminder twice.
create table reminders.reminder_dispatches (
  id integer generated always as identity primary key,
  assignment_id integer not null references reminders.assignments (id),
  due_at timestamptz not null,
  idempotency_key uuid not null unique default gen_random_uuid(),
  -- claimed: a run is sending it (or crashed while sending); sent: confirmed; failed: retry next run.
  status text not null default 'claimed' check (status in ('claimed', 'sent', 'failed')),
  attempts integer not null default 1,
  claimed_by text not null,
  claimed_at timestamptz not null,
  sent_at timestamptz,
  last_error text,
  unique (assignment_id, due_at)
);

create index reminder_dispatches_open_idx on reminders.reminder_dispatches (status, claimed_at) where status <> 'sent';

-- When an assignment falls due: computed in UTC so every session (whatever its TimeZone) gets
-- the same instant for '14 days', since that instant is half of the dispatch's unique key.
create or replace function reminders.reminder_due_at(last_contact timestamptz, every interval) returns timestamptz
language sql immutable parallel safe as $$
  select (last_contact at time zone 'UTC' + every) at time zone 'UTC'
$$;
