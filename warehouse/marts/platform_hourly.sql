-- Events and distinct active users per date, hour of day (0-23, Thai time), ISO weekday (1 = Monday
-- ... 7 = Sunday), platform and event type: what the weekday x hour heatmap reads. Events add up
-- over dates; active users do not (a person active on two days counts on each).
-- by month: platform_events, rows by date (a night recomputes only the months whose partitions changed)
WITH per_hour AS (
    SELECT e.timestamp::DATE AS date, hour(e.timestamp)::INTEGER AS hour, e.platform, e.event_type,
           count(*) AS events,
           count(DISTINCT e.user_id) AS active_users
    FROM platform_events e
    GROUP BY ALL
)
-- the weekday is the date's: read once per group, not once per event
SELECT date, hour, isodow(date)::INTEGER AS weekday, platform, event_type, events, active_users
FROM per_hour
ORDER BY date, hour, platform, event_type
