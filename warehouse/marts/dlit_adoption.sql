-- DLIT adoption (contract 3.3 and 4) per academic year, semester and district: schools reporting,
-- teachers in total and using DLIT, the share using it, schools using each of the five services, and the
-- means of hours per week, internet speed and satisfaction. Valid and flagged rows (the current ones).
SELECT d.academic_year, d.semester, s.district,
       count(*) AS schools_reporting,
       sum(d.teachers_total) AS teachers_total,
       sum(d.teachers_using) AS teachers_using,
       round(100.0 * sum(d.teachers_using) / nullif(sum(d.teachers_total), 0), 1) AS teachers_using_pct,
       count(*) FILTER (d.teachers_using > 0) AS schools_using,
       count(*) FILTER (d.uses_classroom) AS schools_classroom,
       count(*) FILTER (d.uses_resources) AS schools_resources,
       count(*) FILTER (d.uses_library) AS schools_library,
       count(*) FILTER (d.uses_assessment) AS schools_assessment,
       count(*) FILTER (d.uses_plc) AS schools_plc,
       round(avg(d.hours_per_week), 1) AS mean_hours_per_week,
       round(avg(d.internet_mbps), 1) AS mean_internet_mbps,
       sum(d.student_devices) AS student_devices,
       round(avg(d.satisfaction), 2) AS mean_satisfaction
FROM dlit_usage d
JOIN schools s USING (school_code)
GROUP BY ALL
ORDER BY d.academic_year, d.semester, s.district
