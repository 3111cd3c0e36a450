-- Distinct active users per month (from the event log), per platform and for all platforms together
-- (platform 'ALL': a person using two platforms counts once). Unlike the user-days of the use marts,
-- these are people (pseudonymous ids counted, never published). Also the month's events and how many
-- schools' users were active (public users not counted as a school).
-- by month: platform_events, rows by month (a night recomputes only the months whose partitions changed)
WITH e AS (
    SELECT date_trunc('month', timestamp)::DATE AS month, platform, user_id, school_code FROM platform_events
)
SELECT month, (year(month + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year,
       CASE WHEN grouping(platform) = 1 THEN 'ALL' ELSE platform END AS platform,
       count(DISTINCT user_id) AS active_users,
       count(*) AS events,
       count(DISTINCT school_code) AS schools
FROM e
GROUP BY GROUPING SETS ((month, platform), (month))
ORDER BY month, grouping(platform), platform
