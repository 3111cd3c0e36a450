-- Infrastructure per academic year and district (contract 3.5, general administration sheet): schools
-- reporting, with internet (and their share), the mean speed of those with internet, without electricity,
-- computers for teaching and administration and students per teaching computer, buildings, schools by
-- building condition (ดี / พอใช้ / ทรุดโทรม: the list building_conditions), and the mean distance to the office.
SELECT academic_year, district,
       count(*) AS schools,
       count(*) FILTER (internet) AS schools_internet,
       round(100.0 * count(*) FILTER (internet) / count(*), 1) AS internet_pct,
       round(avg(internet_mbps) FILTER (internet), 1) AS mean_internet_mbps,
       count(*) FILTER (NOT electricity) AS schools_no_electricity,
       sum(computers_teaching)::BIGINT AS computers_teaching,
       sum(computers_admin)::BIGINT AS computers_admin,
       round(sum(students_total) FILTER (computers_teaching IS NOT NULL) * 1.0
             / nullif(sum(computers_teaching), 0), 1) AS students_per_computer,
       sum(buildings)::BIGINT AS buildings,
       count(*) FILTER (building_condition = 'ดี') AS schools_good,
       count(*) FILTER (building_condition = 'พอใช้') AS schools_fair,
       count(*) FILTER (building_condition = 'ทรุดโทรม') AS schools_poor,
       round(avg(distance_km), 1) AS mean_distance_km
FROM infrastructure
GROUP BY ALL
ORDER BY academic_year, district
