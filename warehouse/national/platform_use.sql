-- National digital platform use by month, platform and user type, rolled up from each office's
-- platform_use_monthly mart. active_user_days: summed daily active users (user-days, not people:
-- distinct people cannot be added across offices); schools: schools with use (codes are unique
-- nationally, so the offices' counts add up).
SELECT {keys}month, fiscal_year, platform, user_type,
       count(DISTINCT office_code) AS offices,
       CAST(sum(schools) AS BIGINT) AS schools, CAST(sum(active_user_days) AS BIGINT) AS active_user_days, CAST(sum(sessions) AS BIGINT) AS sessions,
       CAST(sum(media_views) AS BIGINT) AS media_views, CAST(sum(downloads) AS BIGINT) AS downloads
FROM platform_use_by_office
GROUP BY {keys}month, fiscal_year, platform, user_type
ORDER BY {keys}month, platform, user_type
