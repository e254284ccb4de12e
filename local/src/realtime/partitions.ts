/**
 * Daily partitions of `realtime.messages`, kept as hosted Realtime keeps them: partitions
 * from yesterday to three days ahead exist (`Tenants.create_messages_partitions`), and the
 * janitor drops partitions older than 72 hours (`Messages.delete_old_messages`).
 */
import type pg from 'pg';

const HOUR_MS = 60 * 60_000;

const MAINTAIN = `
do $$
declare
  day date;
  part text;
begin
  for day in select generate_series(current_date - 1, current_date + 3, interval '1 day')::date loop
    part := 'messages_' || to_char(day, 'YYYY_MM_DD');
    if to_regclass('realtime.' || part) is null then
      execute format('create table realtime.%I partition of realtime.messages for values from (%L) to (%L)', part, day, day + 1);
      execute format('alter table realtime.%I owner to supabase_realtime_admin', part);
    end if;
  end loop;
  for part in
    select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'realtime.messages'::regclass
       and c.relname ~ '^messages_\\d{4}_\\d{2}_\\d{2}$'
       and to_date(substr(c.relname, 10), 'YYYY_MM_DD') < (now() - interval '72 hours')::date
  loop
    execute format('drop table if exists realtime.%I', part);
  end loop;
end
$$`;

/** Runs the maintenance now and then hourly; returns a stop function. */
export function maintainPartitions(pool: pg.Pool, log: (line: string) => void): () => void {
  const run = () =>
    void pool.query(MAINTAIN).catch((error: unknown) => log(`realtime: messages partition upkeep failed: ${error instanceof Error ? error.message : String(error)}`));
  run();
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
