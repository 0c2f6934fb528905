-- The history of edits and deletions (issue 10, part 6): one row per change,
-- written in the change's own transaction, with the record's values before
-- and after as JSON so a change can be read back and undone (`mm undo`).
-- Numbered 1060 (issue 10, part 6) to stay clear of other migration series.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('edit', 'delete', 'undo')),
    record      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    -- For an undo: the change it took back.
    undoes      BIGINT REFERENCES audit_log (id)
);
CREATE INDEX audit_log_record ON audit_log (record, record_id);
