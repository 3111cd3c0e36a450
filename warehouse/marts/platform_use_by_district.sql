-- Digital platform use per district: by month, platform and user type, the totals of the district's
-- schools (public users form their own line, district 'ผู้ใช้ทั่วไป'), with how many schools used the
-- platform that month (a daily-file row of zeros is no use). active_users is a sum of daily active
-- users (user-days), not distinct people.
SELECT month, fiscal_year, platform, user_type, district,
       count(DISTINCT school_code) FILTER (WHERE active_users > 0 OR sessions > 0 OR media_views > 0
                                                 OR downloads > 0) AS schools_using,
       sum(active_users)::BIGINT AS active_users,
       sum(sessions)::BIGINT AS sessions,
       sum(media_views)::BIGINT AS media_views,
       sum(downloads)::BIGINT AS downloads
FROM platform_use_daily
GROUP BY ALL
ORDER BY month, platform, user_type, district
