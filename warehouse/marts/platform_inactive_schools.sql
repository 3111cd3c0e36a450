-- Register schools with no digital platform use (no event, no daily-file row with any use) on any
-- platform in the 30 days up to as_of_date, the latest date in the platform data (window_start ..
-- as_of_date, both included). last_active_date: the school's latest day with use, NULL = never;
-- days_inactive: days from it to as_of_date (NULL = never). No rows before any platform data arrives.
WITH use AS (
    SELECT date, school_code FROM platform_events_daily WHERE school_code IS NOT NULL
    UNION ALL
    SELECT date, school_code FROM platform_daily
    WHERE school_code IS NOT NULL
      AND (active_users > 0 OR sessions > 0 OR media_views > 0 OR downloads > 0)
), as_of AS (
    SELECT as_of_date, (as_of_date - INTERVAL 29 DAY)::DATE AS window_start
    FROM (SELECT greatest((SELECT max(date) FROM platform_events_daily),
                          (SELECT max(date) FROM platform_daily)) AS as_of_date)
    WHERE as_of_date IS NOT NULL
), last_use AS (
    SELECT school_code, max(date) AS last_active_date FROM use, as_of WHERE date <= as_of_date GROUP BY ALL
)
SELECT a.as_of_date, a.window_start, s.school_code, s.school_name, s.district, s.subdistrict,
       s.size_class, s.students_total, s.is_dltv_school,
       l.last_active_date,
       (a.as_of_date - l.last_active_date)::INTEGER AS days_inactive
FROM schools s
CROSS JOIN as_of a
LEFT JOIN last_use l USING (school_code)
WHERE l.last_active_date IS NULL OR l.last_active_date < a.window_start
ORDER BY s.district, l.last_active_date NULLS FIRST, s.school_code
