-- Releases (DESIGN.md, "Releases"): a candidate version takes a growing share of a pipeline's traffic
-- in steps, watched by a guard that rolls it back by itself. One row per release; at most one per
-- pipeline is 'running' (checked under the pipeline's row lock, as every registry change is).
-- Times are epoch milliseconds (UTC). Portable between PostgreSQL and H2 (MODE=PostgreSQL).
CREATE TABLE releases (
    id                VARCHAR(40)   NOT NULL PRIMARY KEY,
    pipeline          VARCHAR(63)   NOT NULL REFERENCES pipelines (name),
    stable_version    INTEGER       NOT NULL,
    candidate_version INTEGER       NOT NULL,
    state             VARCHAR(16)   NOT NULL,   -- running | promoted | rolled_back | aborted
    weight            INTEGER       NOT NULL,   -- percent of unpinned traffic on the candidate
    step_index        INTEGER       NOT NULL,   -- index into steps of the current step; -1 shadow-only
    steps             VARCHAR(400)  NOT NULL,   -- comma list of percentages, '' for shadow-only
    step_every_ms     BIGINT        NOT NULL,
    sticky            VARCHAR(200)  NOT NULL,   -- key | none | header:<Name>
    shadow_percent    INTEGER       NOT NULL,
    guard             VARCHAR(2000) NOT NULL,   -- the guard as JSON
    reason            VARCHAR(4000),            -- why it ended (auto rollback: the limit and both arms' figures)
    started_by        VARCHAR(100)  NOT NULL,
    started_at_ms     BIGINT        NOT NULL,
    step_at_ms        BIGINT        NOT NULL,   -- when the current step began
    updated_at_ms     BIGINT        NOT NULL,
    ended_at_ms       BIGINT
);

CREATE INDEX releases_pipeline ON releases (pipeline, started_at_ms);
CREATE INDEX releases_state ON releases (state);

-- release events carry figures (auto_rollback: the limit that broke, both arms' figures) as JSON
ALTER TABLE audit_events ADD COLUMN details VARCHAR(8000);

-- shadow runs are billed and recorded, but are not answers: arm figures and totals keep them apart
ALTER TABLE usage_records ADD COLUMN shadow BOOLEAN DEFAULT FALSE NOT NULL;
-- a shadow request row: whether the candidate's output equalled the stable answer's (null: it failed)
ALTER TABLE usage_records ADD COLUMN shadow_match BOOLEAN;
