-- Many people in one PostgreSQL journal (issue 15): a team server keeps
-- every learner's journal in these same tables. Each row carries whose it
-- is (org_id, person_id), and row-level security shows and accepts only the
-- rows of the transaction's scope, which the store sets per transaction
-- (`set_config('mm.org', …, true)`, `set_config('mm.person', …, true)`;
-- a session-level SET would leak across pooled connections).
-- Unset, the scope is person 0 of organisation 0: the rows already here
-- become theirs, and the single-person journal works as before.
-- Policies bind roles that own nothing and are no superuser (the team
-- server's); FORCE binds the owner too; superusers and BYPASSRLS roles skip
-- them. Ids stay global (the identity sequences are shared), so the
-- import's id handling is unchanged; foreign keys gain the scope columns.
-- PostgreSQL only: a SQLite file is one person's journal (its 1200 is a no-op).

CREATE FUNCTION mm_scope_org() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(CAST(NULLIF(current_setting('mm.org', true), '') AS BIGINT), 0)
$$;
CREATE FUNCTION mm_scope_person() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(CAST(NULLIF(current_setting('mm.person', true), '') AS BIGINT), 0)
$$;

-- Every table of the journal, read from the catalogue so that none is
-- missed (the store's tests check the result table by table); only the
-- migrator's own ledger, and the team server's tables, stay as they are.
-- The tables scoped here, for the foreign keys below (the team server's
-- tables keep their own keys).
CREATE TEMPORARY TABLE mm_1200_scoped (rel OID PRIMARY KEY) ON COMMIT DROP;
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c
        WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
          AND c.relkind = 'r'
          AND c.relname <> '_sqlx_migrations'
          -- The team server's own tables (mm-team) may share the schema:
          -- they carry their organisation already and have their own policies.
          AND c.relname NOT IN ('mm_team_migrations', 'organisations')
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                          WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped)
        ORDER BY 1
    LOOP
        INSERT INTO mm_1200_scoped VALUES (format('%I', t)::regclass);
        EXECUTE format(
            'ALTER TABLE %I
                 ADD COLUMN org_id BIGINT NOT NULL DEFAULT mm_scope_org(),
                 ADD COLUMN person_id BIGINT NOT NULL DEFAULT mm_scope_person()', t);
        -- Lists (ORDER BY id of one person's rows) start from the scope,
        -- and foreign keys (below) point at (org_id, person_id, id); the
        -- three tables keyed by the scope further down need no second index.
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = t
                     AND column_name = 'id') THEN
            EXECUTE format('CREATE UNIQUE INDEX %I ON %I (org_id, person_id, id)', t || '_scope', t);
        ELSIF t NOT IN ('settings', 'personal_catalogue', 'journal_revision') THEN
            EXECUTE format('CREATE INDEX %I ON %I (org_id, person_id)', t || '_scope', t);
        END IF;
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY person_rows ON %I
                 USING (org_id = mm_scope_org() AND person_id = mm_scope_person())
                 WITH CHECK (org_id = mm_scope_org() AND person_id = mm_scope_person())', t);
    END LOOP;
END
$$;

-- A reference stays within one person's journal: every foreign key gains
-- the scope columns, so a row of A's cannot point at B's goal (a plain key
-- would accept it, since key checks do not see row-level security, and B
-- could then no longer delete that goal). Read from the catalogue too.
DO $$
DECLARE
    f RECORD;
BEGIN
    FOR f IN
        SELECT k.conname::text AS name, k.conrelid::regclass::text AS tbl,
               k.confrelid::regclass::text AS ref, a.attname::text AS col,
               r.attname::text AS refcol, k.confdeltype AS del
        FROM pg_constraint k
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
        JOIN pg_attribute r ON r.attrelid = k.confrelid AND r.attnum = k.confkey[1]
        WHERE k.contype = 'f'
          AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
          AND k.conrelid IN (SELECT rel FROM mm_1200_scoped)
        ORDER BY 1
    LOOP
        IF f.refcol <> 'id' OR f.del NOT IN ('a', 'c') THEN
            RAISE EXCEPTION 'foreign key % on %: only single-column keys to id with NO ACTION or CASCADE are carried over', f.name, f.tbl;
        END IF;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', f.tbl, f.name);
        EXECUTE format(
            'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (org_id, person_id, %I)
                 REFERENCES %s (org_id, person_id, id)%s',
            f.tbl, f.name, f.col, f.ref,
            CASE f.del WHEN 'c' THEN ' ON DELETE CASCADE' ELSE '' END);
    END LOOP;
END
$$;

-- Names are unique within one person's journal, not across the database.
DROP INDEX skills_name_unique;
CREATE UNIQUE INDEX skills_name_unique ON skills (org_id, person_id, lower(name));
DROP INDEX arcs_name_unique;
CREATE UNIQUE INDEX arcs_name_unique ON arcs (org_id, person_id, lower(name));
DROP INDEX personal_catalogue_name;
CREATE UNIQUE INDEX personal_catalogue_name
    ON personal_catalogue (org_id, person_id, lower(name));

-- Keys chosen by people, not sequences, are per person: two learners may
-- save the same catalogue entry, and each has their own settings.
-- (Credential ids are urn:uuid, unique by construction: they stay global.)
ALTER TABLE personal_catalogue DROP CONSTRAINT personal_catalogue_pkey,
    ADD PRIMARY KEY (org_id, person_id, id);
ALTER TABLE settings DROP CONSTRAINT settings_pkey,
    ADD PRIMARY KEY (org_id, person_id, key);

-- One revision per person, made by their first change: a change of one
-- person's journal moves only their revision (and only their caches).
ALTER TABLE journal_revision DROP CONSTRAINT journal_revision_pkey,
    ADD PRIMARY KEY (org_id, person_id);
CREATE OR REPLACE FUNCTION journal_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_revision (id, revision) VALUES (1, 1)
    ON CONFLICT (org_id, person_id) DO UPDATE SET revision = journal_revision.revision + 1;
    RETURN NULL;
END
$$;

-- Session tallies read only this index, one person's goals in order.
DROP INDEX sessions_tally;
CREATE INDEX sessions_tally ON sessions (org_id, person_id, goal_id, started_at, focused_minutes);
