-- Distinct active users per month (from the event log), per platform and for all platforms together
-- (platform 'ALL': a person using two platforms counts once). Unlike the user-days of the use marts,
-- these are people (pseudonymous ids counted, never published). Also the month's events and how many
-- schools' users were active (public users not counted as a school).
-- by month: platform_events, rows by month (a night recomputes only the months whose partitions changed)
WITH per_user AS (
    -- one row per month, platform, person and school: the ten million events grouped once, with no
    -- distinct count over them; the counts below run over these (about a million rows a year)
    SELECT date_trunc('month', timestamp)::DATE AS month, platform, user_id, school_code, count(*) AS events
    FROM platform_events
    GROUP BY ALL
)
SELECT month, (year(month + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year,
       CASE WHEN grouping(platform) = 1 THEN 'ALL' ELSE platform END AS platform,
       count(DISTINCT user_id) AS active_users,
       sum(events)::BIGINT AS events,
       count(DISTINCT school_code) AS schools
FROM per_user
GROUP BY GROUPING SETS ((month, platform), (month))
ORDER BY month, grouping(platform), platform
