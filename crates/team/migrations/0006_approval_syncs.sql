-- Evidence approval's bookkeeping (issue 15, part 4). Before serving a
-- learner whose goals need approval, the server compares their journal with
-- the approval requests (an application edited since its decision is made
-- pending again). That comparison reads every such goal's applications, so
-- it is made only when the journal has moved since the last one: this row
-- keeps the journal revision (journal_revision, per person) at which the
-- requests last matched the journal. Derived, never exported: without a
-- row, or with another revision, the server compares again.
--
-- Isolation as in 0001-0005: org_id on every row, forced row-level
-- security, and references that include org_id.

CREATE TABLE approval_syncs (
    org_id     BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    revision   BIGINT NOT NULL,
    synced_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, person_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);

ALTER TABLE approval_syncs ENABLE ROW LEVEL SECURITY;
ALTER TABLE approval_syncs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON approval_syncs USING (org_id = mm_org()) WITH CHECK (org_id = mm_org());
