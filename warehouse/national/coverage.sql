-- National coverage (contract section 1) rolled up from each office's coverage mart: schools of each
-- survey's population with a valid or flagged row, summed over the offices of a province, a region or
-- the country; coverage_pct recomputed from the sums (never an average of the offices' percentages).
-- {keys}: the level's columns (empty for the country); the same text runs on DuckDB and Spark SQL.
SELECT {keys}rule_id, survey, survey_th, period, part,
       count(DISTINCT office_code) AS offices,
       CAST(sum(population) AS BIGINT) AS population, CAST(sum(submitted) AS BIGINT) AS submitted, CAST(sum(missing) AS BIGINT) AS missing,
       CAST(sum(rejected) AS BIGINT) AS rejected, CAST(sum(not_sent) AS BIGINT) AS not_sent,
       CAST(round(100.0 * sum(submitted) / nullif(sum(population), 0), 1) AS DOUBLE) AS coverage_pct
FROM coverage_by_office
GROUP BY {keys}rule_id, survey, survey_th, period, part
ORDER BY {keys}survey, period, part
