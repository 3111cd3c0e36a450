-- Digital platform use per day, platform and school, aggregated from the event log (contract 3.4):
-- distinct active users, sessions (logins), media views, downloads, quiz submissions, all events and
-- their total duration (s). school_code NULL = public users (no school). Counts only: the event rows
-- and their pseudonymous user_id are never published. fiscal_year (BE) is the date's, for OBEC exports.
-- by month: platform_events, rows by date (a night recomputes only the months whose partitions changed)
WITH per_day AS (
    SELECT e.timestamp::DATE AS date,
           e.platform,
           e.school_code,
           count(DISTINCT e.user_id) AS active_users,
           count(*) FILTER (WHERE e.event_type = 'login') AS sessions,
           count(*) FILTER (WHERE e.event_type = 'view') AS media_views,
           count(*) FILTER (WHERE e.event_type = 'download') AS downloads,
           count(*) FILTER (WHERE e.event_type = 'quiz_submit') AS quiz_submits,
           count(*) AS events,
           coalesce(sum(e.duration_s), 0)::BIGINT AS total_duration_s
    FROM platform_events e
    GROUP BY ALL
)
-- the fiscal year is the date's: computed once per group, not once per event
SELECT date, (year(date + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year, platform, school_code,
       active_users, sessions, media_views, downloads, quiz_submits, events, total_duration_s
FROM per_day
ORDER BY date, platform, school_code NULLS FIRST
