-- The person's own catalogue of micro-skills: entries saved from the shipped
-- catalogue, imported from a CASE framework, or written by the person. The
-- entry is kept whole as JSON (the shape is mm-micro's CatalogueMicroSkill);
-- id, name and origin are columns for listing and look-up.
CREATE TABLE personal_catalogue (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    origin    TEXT NOT NULL,
    entry     TEXT NOT NULL,
    saved_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX personal_catalogue_name ON personal_catalogue (lower(name));
