-- Digital platform use by week (Monday start), platform, user type, school and district, summed from
-- platform_use_daily. active_users is a sum of daily active users: user-days, not distinct people (a
-- teacher active on five days counts five); distinct users per month are in platform_monthly_users.
-- days = days of the week with use; sources = where the days' figures came from (daily file, events).
SELECT week_start, platform, user_type, school_code, district,
       count(DISTINCT date) AS days,
       sum(active_users)::BIGINT AS active_users,
       sum(sessions)::BIGINT AS sessions,
       sum(media_views)::BIGINT AS media_views,
       sum(downloads)::BIGINT AS downloads,
       list_sort(list_distinct(list(source))) AS sources
FROM platform_use_daily
GROUP BY ALL
ORDER BY week_start, platform, user_type, school_code NULLS FIRST
