-- Digital platform use by day, platform, user type and school: for each platform and day that the
-- platform's own daily file covers, that file's figures by user type (source 'daily'); for a platform
-- and day with events only, the figures derived from the event log with user type 'ไม่ระบุ' (unknown,
-- source 'events'). A day is never counted from both. school_code NULL = public users, whose district
-- is 'ผู้ใช้ทั่วไป'. week_start is the Monday, month the first day, fiscal_year the BE fiscal year.
WITH daily AS (
    SELECT d.date, d.platform, d.user_type, d.school_code,
           d.active_users, d.sessions, d.media_views, d.downloads, 'daily' AS source
    FROM platform_daily d
), daily_days AS (
    SELECT DISTINCT date, platform FROM platform_daily
), events AS (
    SELECT e.date, e.platform, 'ไม่ระบุ' AS user_type, e.school_code,
           e.active_users, e.sessions, e.media_views, e.downloads, 'events' AS source
    FROM platform_events_daily e
    ANTI JOIN daily_days dd ON dd.date = e.date AND dd.platform = e.platform
), used AS (
    SELECT * FROM daily UNION ALL SELECT * FROM events
)
SELECT u.date,
       date_trunc('week', u.date)::DATE AS week_start,
       date_trunc('month', u.date)::DATE AS month,
       (year(u.date + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year,
       u.platform, u.user_type, u.school_code,
       CASE WHEN u.school_code IS NULL THEN 'ผู้ใช้ทั่วไป' ELSE s.district END AS district,
       u.active_users::BIGINT AS active_users, u.sessions::BIGINT AS sessions,
       u.media_views::BIGINT AS media_views, u.downloads::BIGINT AS downloads,
       u.source
FROM used u
LEFT JOIN schools s ON s.school_code = u.school_code
ORDER BY u.date, u.platform, u.user_type, u.school_code NULLS FIRST
