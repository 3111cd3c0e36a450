-- National DLTV needs and their estimated cost, rolled up from each office's dltv_needs mart (already
-- summed per office over its districts). est_cost_baht is each office's replacements at its latest
-- unit price, summed; priced_offices counts the offices that had a price for the item.
SELECT {keys}fiscal_year, item, item_th, item_en,
       count(DISTINCT office_code) AS offices,
       CAST(sum(schools) AS BIGINT) AS schools, CAST(sum(total) AS BIGINT) AS total, CAST(sum(working) AS BIGINT) AS working, CAST(sum(broken) AS BIGINT) AS broken,
       CAST(sum(request_replace) AS BIGINT) AS request_replace, CAST(sum(request_repair) AS BIGINT) AS request_repair,
       sum(est_cost_baht) AS est_cost_baht,
       count(DISTINCT CASE WHEN est_cost_baht IS NOT NULL THEN office_code END) AS priced_offices
FROM dltv_needs_by_office
GROUP BY {keys}fiscal_year, item, item_th, item_en
ORDER BY {keys}fiscal_year, item
