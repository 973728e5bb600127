-- Every activity moves its assignment's last_contact_date to the latest activity time, never
-- backwards. It lives in the database so no registration path (a form, a proxy, a bulk import,
-- a coordinator, a future one) can forget it. Statement-level with a transition table: a bulk
-- INSERT of 10,000 activities is one UPDATE of the assignments it touched, not 10,000.
create or replace function reminders.touch_last_contact() returns trigger
language plpgsql as $$
begin
  update reminders.assignments as a
     set last_contact_date = latest.occurred_at
    from (
      select assignment_id, max(occurred_at) as occurred_at
        from new_activities
       group by assignment_id
    ) as latest
   where a.id = latest.assignment_id
     and a.last_contact_date < latest.occurred_at;
  return null;
end
$$;

create trigger activities_touch_last_contact_on_insert
  after insert on reminders.activities
  referencing new table as new_activities
  for each statement execute function reminders.touch_last_contact();

-- An activity whose time is corrected forward counts too; a correction backwards leaves the
-- assignment alone, as a deleted activity does (last_contact_date never moves back by itself).
create trigger activities_touch_last_contact_on_update
  after update on reminders.activities
  referencing new table as new_activities
  for each statement execute function reminders.touch_last_contact();
