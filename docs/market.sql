-- Share of postings per skill, with its Wilson 95% interval: the same
-- definition as `mm market analyse` (a posting counts a skill once; every
-- counted posting is in the denominator, including those with no skill).
--
-- Input: a table or view `mentions` over the Parquet written by
-- `mm market analyse ... --parquet FILE` (one row per posting × distinct
-- skill; a null skill_uri for a posting with none; a posting is
-- (source, line)). In DuckDB, for one file or many (one per machine):
--
--   CREATE VIEW mentions AS SELECT * FROM read_parquet('mentions/*.parquet');
--   .read docs/market.sql
--
-- Standard SQL apart from the view; runs unchanged on Spark SQL and
-- DataFusion once `mentions` is registered there.
WITH postings AS (
    SELECT count(*) AS n
    FROM (SELECT DISTINCT source, line FROM mentions) AS p
),
per_skill AS (
    SELECT skill_uri,
           min(skill_label) AS skill_label,
           count(*) AS k
    FROM (SELECT DISTINCT source, line, skill_uri, skill_label
          FROM mentions
          WHERE skill_uri IS NOT NULL) AS m
    GROUP BY skill_uri
),
shares AS (
    SELECT s.skill_uri,
           s.skill_label,
           s.k AS postings,
           p.n AS total,
           CAST(s.k AS DOUBLE) / p.n AS share,
           1.959963984540054 AS z
    FROM per_skill AS s CROSS JOIN postings AS p
)
SELECT skill_uri,
       skill_label,
       postings,
       total,
       share,
       greatest(0.0, ((share + z * z / (2 * total))
                      - z * sqrt(share * (1 - share) / total + z * z / (4.0 * total * total)))
                     / (1 + z * z / total)) AS ci_low,
       least(1.0, ((share + z * z / (2 * total))
                   + z * sqrt(share * (1 - share) / total + z * z / (4.0 * total * total)))
                  / (1 + z * z / total)) AS ci_high
FROM shares
ORDER BY postings DESC, skill_uri;
