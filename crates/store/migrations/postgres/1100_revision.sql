-- The journal's revision (issue 14, part 7): one number that moves with
-- every change to any table, in the change's own transaction, whoever writes
-- (this process, another server instance, the CLI on the same file). A cache
-- keyed by it (the server's status view) is never older than the journal.
-- Derived, not exported: a fresh journal starts its own count.
-- A new table needs its trigger here too: a store test reads the triggers
-- from the catalogue and fails on any table that does not move the revision.
-- PostgreSQL: one trigger per table and statement (a 20,000-row import moves
-- it once per statement, not once per row).
CREATE TABLE journal_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO journal_revision (id, revision) VALUES (1, 0);
-- Session tallies (Store::session_tallies) read only this index, goal by goal.
CREATE INDEX sessions_tally ON sessions (goal_id, started_at, focused_minutes);
CREATE FUNCTION journal_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE journal_revision SET revision = revision + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER skills_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER micro_skills_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON micro_skills
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER principles_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON principles
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER resources_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON resources
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER goals_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON goals
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER criteria_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON criteria
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER goal_extensions_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON goal_extensions
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER sessions_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER applications_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER reflections_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reflections
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER reflection_principles_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reflection_principles
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER settings_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER plans_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plans
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER arcs_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON arcs
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER goal_arcs_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON goal_arcs
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER retention_cards_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention_cards
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER retention_reviews_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER credentials_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON credentials
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER market_analyses_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON market_analyses
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER market_skills_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON market_skills
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER audit_log_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
CREATE TRIGGER personal_catalogue_moves_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON personal_catalogue
    FOR EACH STATEMENT EXECUTE FUNCTION journal_revision_bump();
