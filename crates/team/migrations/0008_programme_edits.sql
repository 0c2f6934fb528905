-- Editing programmes (issue 15, part 3): a programme's items and name can
-- be changed, an item removed, a programme that no cohort has deleted, and a
-- programme unassigned from a cohort (its `cohort_programmes` row goes).
--
-- A goal already given is the learner's: it stays in their journal as it
-- was written, and its `given_goals` row stays on record (the servers may
-- not delete those), which points at its programme item. So a removed item
-- and a deleted programme are kept, marked `removed_at` / `archived_at`,
-- and every read of programmes leaves them out: nothing more is given from
-- them, and their micro-skill name and slug are free to use again.
--
-- `given_goals.claimed_name` is the item's name when its goal was first
-- claimed: an attempt that wrote the goal but died before recording it is
-- recognised by that name on retry, even if the item was renamed since.

ALTER TABLE programmes ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE programmes DROP CONSTRAINT programmes_org_id_slug_key;
CREATE UNIQUE INDEX programmes_slug ON programmes (org_id, slug) WHERE archived_at IS NULL;

ALTER TABLE programme_items ADD COLUMN removed_at TIMESTAMPTZ;
DROP INDEX programme_items_name;
CREATE UNIQUE INDEX programme_items_name ON programme_items (org_id, programme_id, lower(name))
    WHERE removed_at IS NULL;

ALTER TABLE given_goals ADD COLUMN claimed_name TEXT
    CHECK (length(claimed_name) BETWEEN 1 AND 200);
