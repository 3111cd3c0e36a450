-- Data quality per school: how many of its rows were quarantined or flagged, and by which rules.
SELECT o.table_name, o.period, o.school_code, s.school_name, s.district,
       sum(o.n)::BIGINT AS rows,
       coalesce(sum(o.n) FILTER (o.outcome = 'quarantined'), 0)::BIGINT AS quarantined,
       coalesce(sum(o.n) FILTER (o.outcome = 'flagged'), 0)::BIGINT AS flagged,
       list_sort(list_distinct(flatten(list(o.rule_ids)))) AS rule_ids
FROM _outcome_counts o
LEFT JOIN schools s USING (school_code)
GROUP BY ALL
ORDER BY o.table_name, o.period, quarantined DESC, flagged DESC, o.school_code
