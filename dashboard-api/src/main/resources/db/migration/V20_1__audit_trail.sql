-- GET /api/audit reads both audit tables newest first, page by page (keyset on occurred_at, id).
-- Version 20.1 so another branch's V21 can sit beside it. Portable between PostgreSQL and H2 (MODE=PostgreSQL).
CREATE INDEX audit_events_occurred ON audit_events (occurred_at, id);
CREATE INDEX access_audit_occurred ON access_audit (occurred_at, id);
