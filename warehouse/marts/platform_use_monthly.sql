-- Digital platform use by month, platform, user type, school and district, summed from
-- platform_use_daily (fiscal_year: BE). active_users is a sum of daily active users: user-days, not
-- distinct people; distinct users per month are in platform_monthly_users.
-- days = days of the month with use; sources = where the days' figures came from (daily file, events).
SELECT month, fiscal_year, platform, user_type, school_code, district,
       count(DISTINCT date) AS days,
       sum(active_users)::BIGINT AS active_users,
       sum(sessions)::BIGINT AS sessions,
       sum(media_views)::BIGINT AS media_views,
       sum(downloads)::BIGINT AS downloads,
       list_sort(list_distinct(list(source))) AS sources
FROM platform_use_daily
GROUP BY ALL
ORDER BY month, platform, user_type, school_code NULLS FIRST
