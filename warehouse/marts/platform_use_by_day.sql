-- Digital platform use per day, platform and user type, summed over schools and public users: the
-- day-by-day and month-by-month trends read this small table (one row per day, platform and user type).
-- Same figures as platform_use_daily (daily file where the platform sent one, else events with user
-- type 'ไม่ระบุ'); active_users summed over schools, and over days in a trend, are user-days.
-- schools_using: schools with any use that day (a daily-file row of zeros is no use).
SELECT date, week_start, month, fiscal_year, platform, user_type, source,
       count(DISTINCT school_code) FILTER (WHERE active_users > 0 OR sessions > 0 OR media_views > 0
                                                 OR downloads > 0) AS schools_using,
       sum(active_users)::BIGINT AS active_users,
       sum(sessions)::BIGINT AS sessions,
       sum(media_views)::BIGINT AS media_views,
       sum(downloads)::BIGINT AS downloads
FROM platform_use_daily
GROUP BY ALL
ORDER BY date, platform, user_type
