-- Data quality per school: how many of its rows were quarantined or flagged, and by which rules.
SELECT o.table_name, o.period, o.school_code, s.school_name, s.district,
       count(*) AS rows,
       count(*) FILTER (o.outcome = 'quarantined') AS quarantined,
       count(*) FILTER (o.outcome = 'flagged') AS flagged,
       list_sort(list_distinct(flatten(list(o.rule_ids)))) AS rule_ids
FROM _outcomes o
LEFT JOIN schools s USING (school_code)
GROUP BY ALL
ORDER BY o.table_name, o.period, quarantined DESC, flagged DESC, o.school_code
