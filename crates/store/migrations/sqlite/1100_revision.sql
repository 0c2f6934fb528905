-- The journal's revision (issue 14, part 7): one number that moves with
-- every change to any table, in the change's own transaction, whoever writes
-- (this process, another server instance, the CLI on the same file). A cache
-- keyed by it (the server's status view) is never older than the journal.
-- Derived, not exported: a fresh journal starts its own count.
-- A new table needs its trigger here too: a store test reads the triggers
-- from the catalogue and fails on any table that does not move the revision.
CREATE TABLE journal_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO journal_revision (id, revision) VALUES (1, 0);
-- Session tallies (Store::session_tallies) read only this index, goal by goal.
CREATE INDEX sessions_tally ON sessions (goal_id, started_at, focused_minutes);
CREATE TRIGGER skills_ins_moves_revision AFTER INSERT ON skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER skills_upd_moves_revision AFTER UPDATE ON skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER skills_del_moves_revision AFTER DELETE ON skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER micro_skills_ins_moves_revision AFTER INSERT ON micro_skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER micro_skills_upd_moves_revision AFTER UPDATE ON micro_skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER micro_skills_del_moves_revision AFTER DELETE ON micro_skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER principles_ins_moves_revision AFTER INSERT ON principles
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER principles_upd_moves_revision AFTER UPDATE ON principles
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER principles_del_moves_revision AFTER DELETE ON principles
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER resources_ins_moves_revision AFTER INSERT ON resources
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER resources_upd_moves_revision AFTER UPDATE ON resources
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER resources_del_moves_revision AFTER DELETE ON resources
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goals_ins_moves_revision AFTER INSERT ON goals
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goals_upd_moves_revision AFTER UPDATE ON goals
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goals_del_moves_revision AFTER DELETE ON goals
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER criteria_ins_moves_revision AFTER INSERT ON criteria
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER criteria_upd_moves_revision AFTER UPDATE ON criteria
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER criteria_del_moves_revision AFTER DELETE ON criteria
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goal_extensions_ins_moves_revision AFTER INSERT ON goal_extensions
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goal_extensions_upd_moves_revision AFTER UPDATE ON goal_extensions
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goal_extensions_del_moves_revision AFTER DELETE ON goal_extensions
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER sessions_ins_moves_revision AFTER INSERT ON sessions
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER sessions_upd_moves_revision AFTER UPDATE ON sessions
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER sessions_del_moves_revision AFTER DELETE ON sessions
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER applications_ins_moves_revision AFTER INSERT ON applications
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER applications_upd_moves_revision AFTER UPDATE ON applications
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER applications_del_moves_revision AFTER DELETE ON applications
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER reflections_ins_moves_revision AFTER INSERT ON reflections
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER reflections_upd_moves_revision AFTER UPDATE ON reflections
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER reflections_del_moves_revision AFTER DELETE ON reflections
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER reflection_principles_ins_moves_revision AFTER INSERT ON reflection_principles
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER reflection_principles_upd_moves_revision AFTER UPDATE ON reflection_principles
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER reflection_principles_del_moves_revision AFTER DELETE ON reflection_principles
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER settings_ins_moves_revision AFTER INSERT ON settings
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER settings_upd_moves_revision AFTER UPDATE ON settings
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER settings_del_moves_revision AFTER DELETE ON settings
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER plans_ins_moves_revision AFTER INSERT ON plans
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER plans_upd_moves_revision AFTER UPDATE ON plans
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER plans_del_moves_revision AFTER DELETE ON plans
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER arcs_ins_moves_revision AFTER INSERT ON arcs
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER arcs_upd_moves_revision AFTER UPDATE ON arcs
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER arcs_del_moves_revision AFTER DELETE ON arcs
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goal_arcs_ins_moves_revision AFTER INSERT ON goal_arcs
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goal_arcs_upd_moves_revision AFTER UPDATE ON goal_arcs
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER goal_arcs_del_moves_revision AFTER DELETE ON goal_arcs
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER retention_cards_ins_moves_revision AFTER INSERT ON retention_cards
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER retention_cards_upd_moves_revision AFTER UPDATE ON retention_cards
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER retention_cards_del_moves_revision AFTER DELETE ON retention_cards
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER retention_reviews_ins_moves_revision AFTER INSERT ON retention_reviews
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER retention_reviews_upd_moves_revision AFTER UPDATE ON retention_reviews
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER retention_reviews_del_moves_revision AFTER DELETE ON retention_reviews
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER credentials_ins_moves_revision AFTER INSERT ON credentials
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER credentials_upd_moves_revision AFTER UPDATE ON credentials
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER credentials_del_moves_revision AFTER DELETE ON credentials
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER market_analyses_ins_moves_revision AFTER INSERT ON market_analyses
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER market_analyses_upd_moves_revision AFTER UPDATE ON market_analyses
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER market_analyses_del_moves_revision AFTER DELETE ON market_analyses
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER market_skills_ins_moves_revision AFTER INSERT ON market_skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER market_skills_upd_moves_revision AFTER UPDATE ON market_skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER market_skills_del_moves_revision AFTER DELETE ON market_skills
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER audit_log_ins_moves_revision AFTER INSERT ON audit_log
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER audit_log_upd_moves_revision AFTER UPDATE ON audit_log
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER audit_log_del_moves_revision AFTER DELETE ON audit_log
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER personal_catalogue_ins_moves_revision AFTER INSERT ON personal_catalogue
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER personal_catalogue_upd_moves_revision AFTER UPDATE ON personal_catalogue
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
CREATE TRIGGER personal_catalogue_del_moves_revision AFTER DELETE ON personal_catalogue
BEGIN UPDATE journal_revision SET revision = revision + 1; END;
