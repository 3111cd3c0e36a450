-- School budgets (contract 3.5, budget sheet) per fiscal year, district and budget category: the schools
-- reporting the category, baht received and spent, and the share spent (spent ÷ received, %). Current rows
-- only: a row spending more than it received breaks BUD-02 and is quarantined, not summed.
SELECT b.fiscal_year, s.district, b.category, r.th AS category_th, r.position AS category_order,
       count(*) AS schools,
       sum(b.received_baht) AS received_baht,
       sum(b.spent_baht) AS spent_baht,
       round(100.0 * sum(b.spent_baht) / nullif(sum(b.received_baht), 0), 1) AS spent_pct
FROM admin_budget b
JOIN schools s USING (school_code)
JOIN _ref_lists r ON r.list = 'budget_categories' AND r.key = b.category
GROUP BY ALL
ORDER BY b.fiscal_year, s.district, category_order
