-- An admin or coordinator may set last_contact_date to any past date (a wrong import, a
-- contact that happened outside the system). Everything else may only move it forward. The
-- guard below makes that explicit: moving it back needs the transaction-local flag that only
-- reminders.correct_last_contact_date sets, and that function writes the audit row in the same
-- statement, so a correction without an audit row cannot happen.
create table reminders.admin_audit_log (
  id integer generated always as identity primary key,
  actor text not null,
  actor_role text not null,
  action text not null,
  assignment_id integer not null references reminders.assignments (id),
  old_value timestamptz,
  new_value timestamptz,
  reason text not null,
  created_at timestamptz not null default now()
);

create index admin_audit_log_assignment_idx on reminders.admin_audit_log (assignment_id, created_at desc);

create or replace function reminders.guard_last_contact_date() returns trigger
language plpgsql as $$
begin
  if new.last_contact_date < old.last_contact_date
     and coalesce(current_setting('reminders.admin_correction', true), '') <> 'on' then
    raise exception 'last_contact_date of assignment % may only move backwards through reminders.correct_last_contact_date', old.id
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

create trigger assignments_guard_last_contact_date
  before update of last_contact_date on reminders.assignments
  for each row execute function reminders.guard_last_contact_date();

-- One call, one transaction: lock the row, keep the old value, update, audit. Returns no row
-- for an unknown assignment.
create or replace function reminders.correct_last_contact_date(
  p_assignment_id integer,
  p_new_value timestamptz,
  p_actor text,
  p_actor_role text,
  p_reason text
) returns setof reminders.assignments
language plpgsql as $$
declare
  v_old timestamptz;
begin
  if p_new_value > now() then
    raise exception 'last_contact_date may not be in the future' using errcode = 'check_violation';
  end if;

  select last_contact_date into v_old
    from reminders.assignments
   where id = p_assignment_id
     for update;
  if not found then
    return;
  end if;

  perform set_config('reminders.admin_correction', 'on', true);
  return query
    update reminders.assignments
       set last_contact_date = p_new_value
     where id = p_assignment_id
    returning *;
  perform set_config('reminders.admin_correction', '', true);

  insert into reminders.admin_audit_log (actor, actor_role, action, assignment_id, old_value, new_value, reason)
  values (p_actor, p_actor_role, 'set_last_contact_date', p_assignment_id, v_old, p_new_value, p_reason);
end
$$;
