-- Daily file against event log, per platform and day where either exists (contract 3.4: aggregates
-- derived from events must equal the platform's own daily file). daily_active_users and
-- daily_sessions: the daily file summed over schools and user types; events_active_users: distinct
-- users of the day's events on that platform; events_sessions: its logins. diff_* = daily - events
-- (NULL when one side is missing). status: 'match', 'differs', 'daily_only' or 'events_only'.
WITH daily AS (
    SELECT date, platform, sum(active_users)::BIGINT AS active_users, sum(sessions)::BIGINT AS sessions,
           count(*) AS daily_rows
    FROM platform_daily
    GROUP BY ALL
), events AS (
    SELECT timestamp::DATE AS date, platform, count(DISTINCT user_id) AS active_users,
           count(*) FILTER (WHERE event_type = 'login') AS sessions, count(*) AS events
    FROM platform_events
    GROUP BY ALL
)
SELECT date, (year(date + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year, platform,
       d.active_users AS daily_active_users, e.active_users AS events_active_users,
       d.active_users - e.active_users AS diff_active_users,
       d.sessions AS daily_sessions, e.sessions AS events_sessions,
       d.sessions - e.sessions AS diff_sessions,
       d.daily_rows, e.events,
       CASE WHEN e.date IS NULL THEN 'daily_only'
            WHEN d.date IS NULL THEN 'events_only'
            WHEN d.active_users IS NOT DISTINCT FROM e.active_users
             AND d.sessions IS NOT DISTINCT FROM e.sessions THEN 'match'
            ELSE 'differs' END AS status
FROM daily d
FULL JOIN events e USING (date, platform)
ORDER BY date, platform
