-- Results by rule, table and period (the data quality page and the OBEC export manifest read this).
SELECT * FROM rule_results
