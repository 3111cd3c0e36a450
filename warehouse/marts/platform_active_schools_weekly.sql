-- Register schools using the digital platforms each week (Monday start): a school is active in a week
-- when it has an event, or a daily-file row with any use (users, sessions, views or downloads above
-- zero), that week; per platform and for any platform (platform 'ALL'). Every week from the first to
-- the last with data is listed, also weeks without use. share_pct = active / register schools x 100.
-- complete: all seven days of the week lie within the platform data's dates (the first and last
-- weeks may be partial: a lower share there is the data's edge, not less use).
WITH use AS (
    SELECT date, platform, school_code FROM platform_events_daily WHERE school_code IS NOT NULL
    UNION
    SELECT date, platform, school_code FROM platform_daily
    WHERE school_code IS NOT NULL
      AND (active_users > 0 OR sessions > 0 OR media_views > 0 OR downloads > 0)
), weekly AS (
    SELECT date_trunc('week', u.date)::DATE AS week_start, u.platform, u.school_code
    FROM use u SEMI JOIN schools s ON s.school_code = u.school_code
), bounds AS (
    SELECT min(week_start) AS first_week, max(week_start) AS last_week FROM weekly
), weeks AS (
    SELECT unnest(generate_series(first_week, last_week, INTERVAL 7 DAY))::DATE AS week_start
    FROM bounds WHERE first_week IS NOT NULL
), platforms AS (
    SELECT platform FROM platform_events_daily UNION SELECT platform FROM platform_daily UNION SELECT 'ALL'
), active AS (
    SELECT week_start, platform, count(DISTINCT school_code) AS active_schools FROM weekly GROUP BY ALL
    UNION ALL
    SELECT week_start, 'ALL', count(DISTINCT school_code) FROM weekly GROUP BY ALL
), data_dates AS (
    SELECT min(date) AS first_date, max(date) AS last_date
    FROM (SELECT date FROM platform_events_daily UNION ALL SELECT date FROM platform_daily)
), register AS (
    SELECT count(*) AS register_schools FROM schools
)
SELECT w.week_start, (w.week_start + INTERVAL 6 DAY)::DATE AS week_end,
       (year(w.week_start + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year,
       p.platform,
       coalesce(a.active_schools, 0) AS active_schools,
       r.register_schools,
       round(100.0 * coalesce(a.active_schools, 0) / nullif(r.register_schools, 0), 1) AS share_pct,
       w.week_start >= dd.first_date AND w.week_start + 6 <= dd.last_date AS complete
FROM weeks w
CROSS JOIN platforms p
CROSS JOIN register r
CROSS JOIN data_dates dd
LEFT JOIN active a ON a.week_start = w.week_start AND a.platform = p.platform
ORDER BY w.week_start, p.platform = 'ALL', p.platform
