-- The journal revisions of many people of the caller's organisation in one
-- statement (issue 15, part 9). A coach view reads what each learner of a
-- cohort did; a server instance keeps each learner's summaries while their
-- journal's revision is unchanged, and asks for the revisions of the whole
-- cohort at once instead of opening one transaction per learner.
--
-- The journal's row-level security (its migration 1200) shows one person
-- at a time (`mm.person`), so the function sets each person in turn for
-- its one read, in the caller's organisation (`mm.org`, which the caller's
-- scope set), and restores the caller's person before it returns. It
-- answers counters only; the server checks that the caller may see those
-- people before it asks. A person with no change yet reads 0.

CREATE FUNCTION mm_journal_revisions(p_persons BIGINT[])
RETURNS TABLE (person_id BIGINT, revision BIGINT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    p BIGINT;
    caller TEXT := current_setting('mm.person', true);
BEGIN
    IF nullif(current_setting('mm.org', true), '') IS NULL THEN
        RETURN;
    END IF;
    FOREACH p IN ARRAY p_persons LOOP
        PERFORM set_config('mm.person', p::TEXT, true);
        person_id := p;
        SELECT coalesce(max(r.revision), 0) INTO revision FROM journal_revision r
        WHERE r.org_id = mm_scope_org() AND r.person_id = p;
        RETURN NEXT;
    END LOOP;
    PERFORM set_config('mm.person', coalesce(caller, ''), true);
END $$;

REVOKE ALL ON FUNCTION mm_journal_revisions(BIGINT[]) FROM PUBLIC;
