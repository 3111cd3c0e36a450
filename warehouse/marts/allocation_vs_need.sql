-- What each district received in a fiscal year against what its schools asked for that year
-- (units allocated and their cost; units asked to replace or repair, and the replacements' cost at the
-- latest unit prices). Counts are whole numbers (BIGINT).
WITH alloc AS (
    SELECT a.fiscal_year, s.district, a.item,
           sum(a.quantity)::BIGINT AS allocated_qty, sum(a.quantity * a.unit_price_baht) AS allocated_baht
    FROM dltv_allocation a JOIN schools s USING (school_code)
    GROUP BY ALL
), need AS (
    SELECT i.fiscal_year, s.district, i.item,
           sum(i.request_replace)::BIGINT AS requested_replace, sum(i.request_repair)::BIGINT AS requested_repair
    FROM dltv_equipment_items i JOIN schools s USING (school_code)
    GROUP BY ALL
)
SELECT fiscal_year, district, item, r.item_th,
       coalesce(alloc.allocated_qty, 0) AS allocated_qty,
       coalesce(alloc.allocated_baht, 0) AS allocated_baht,
       coalesce(need.requested_replace, 0) AS requested_replace,
       coalesce(need.requested_repair, 0) AS requested_repair,
       coalesce(need.requested_replace, 0) * p.unit_price_baht AS est_need_baht
FROM need FULL JOIN alloc USING (fiscal_year, district, item)
JOIN _ref_items r USING (item)
LEFT JOIN dltv_unit_prices p USING (item)
ORDER BY fiscal_year, district, item
