-- The reminder domain: peer mentors, their assignments and the activities registered on them.
-- Its own schema, with no grants to anon/authenticated, so Supabase's Data API does not expose it.
create schema if not exists reminders;

create table reminders.peer_mentors (
  id integer generated always as identity primary key,
  name text not null,
  email text not null unique,
  created_at timestamptz not null default now()
);

create table reminders.assignments (
  id integer generated always as identity primary key,
  mentor_id integer not null references reminders.peer_mentors (id),
  status text not null default 'active' check (status in ('active', 'paused', 'closed')),
  -- Moved forward by every activity (trigger below); moved anywhere only by an admin correction.
  last_contact_date timestamptz not null default now(),
  reminder_interval interval not null default interval '14 days' check (reminder_interval > interval '0'),
  created_at timestamptz not null default now()
);

create index assignments_mentor_idx on reminders.assignments (mentor_id);
-- The dispatch scan walks active assignments in id order (keyset pagination).
create index assignments_active_idx on reminders.assignments (id) where status = 'active';

create table reminders.activities (
  id integer generated always as identity primary key,
  assignment_id integer not null references reminders.assignments (id),
  -- The mentor, a proxy or a coordinator: whoever typed it in.
  registered_by text not null,
  registration_kind text not null check (registration_kind in ('direct', 'proxy', 'bulk', 'coordinator_proxy')),
  occurred_at timestamptz not null,
  note text,
  created_at timestamptz not null default now()
);

create index activities_assignment_idx on reminders.activities (assignment_id, occurred_at desc);
