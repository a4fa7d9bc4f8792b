-- The usage writer inserts up to 500 rows per batch. H2 hands out identity values 32 at a time and
-- writes its store to disk each time it takes the next 32 (WRITE_DELAY=0), which was a third of the
-- writer's CPU under load. 1000 at a time: a restart may skip up to 1000 ids (on PostgreSQL each
-- session caches its own, so ids are unique but not in insertion order). Nothing orders by id
-- across batches; time is occurred_at_ms.
ALTER TABLE usage_records ALTER COLUMN id SET CACHE 1000;
