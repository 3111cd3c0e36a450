-- Latest unit price per DLTV item: the newest fiscal year's valid allocation, then the latest arrival.
-- "Estimated cost of this year's needs uses the latest unit price per item" (contract 3.2).
SELECT a.item, r.item_th,
       arg_max(a.unit_price_baht, (a.fiscal_year, a.arrival_seq, a.row_number)) AS unit_price_baht,
       max(a.fiscal_year) AS price_fiscal_year
FROM dltv_allocation a
JOIN _ref_items r USING (item)
GROUP BY ALL
ORDER BY a.item
