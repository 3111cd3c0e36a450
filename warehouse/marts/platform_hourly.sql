-- Events and distinct active users per date, hour of day (0-23, Thai time), ISO weekday (1 = Monday
-- ... 7 = Sunday), platform and event type: what the weekday x hour heatmap reads. Events add up
-- over dates; active users do not (a person active on two days counts on each).
-- by month: platform_events, rows by date (a night recomputes only the months whose partitions changed)
SELECT e.timestamp::DATE AS date,
       hour(e.timestamp)::INTEGER AS hour,
       isodow(e.timestamp)::INTEGER AS weekday,
       e.platform, e.event_type,
       count(*) AS events,
       count(DISTINCT e.user_id) AS active_users
FROM platform_events e
GROUP BY ALL
ORDER BY date, hour, e.platform, e.event_type
