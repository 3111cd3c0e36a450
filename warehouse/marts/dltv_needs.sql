-- DLTV needs by fiscal year, district and item, with the estimated cost of replacements
-- (replacement units x latest unit price). Repairs are counted, not priced: no price list for them.
SELECT i.fiscal_year, s.district, i.item, r.item_th, r.item_en,
       count(*) AS schools,
       sum(i.total) AS total, sum(i.working) AS working, sum(i.broken) AS broken,
       sum(i.request_replace) AS request_replace, sum(i.request_repair) AS request_repair,
       any_value(p.unit_price_baht) AS unit_price_baht,
       sum(i.request_replace) * any_value(p.unit_price_baht) AS est_cost_baht
FROM dltv_equipment_items i
JOIN schools s USING (school_code)
JOIN _ref_items r USING (item)
LEFT JOIN dltv_unit_prices p USING (item)
GROUP BY ALL
ORDER BY i.fiscal_year, s.district, i.item
