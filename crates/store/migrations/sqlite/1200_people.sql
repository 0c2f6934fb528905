-- Many people in one journal (issue 15) is PostgreSQL's: its 1200 gives
-- every table org_id and person_id with row-level security. A SQLite file
-- is one person's journal, so nothing changes here; this twin keeps the
-- two migration series at the same numbers (tests/migrations_parity.rs).
SELECT 1;
