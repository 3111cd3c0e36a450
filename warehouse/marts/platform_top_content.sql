-- The most used content per month and platform (event log): views, downloads, quiz submissions,
-- distinct users and total duration (s) of each content_id, the top 20 by views (then downloads,
-- users) of every month and platform; rank 1 = most viewed. Events without a content_id (logins)
-- are not content. Only the top 20 are kept: sums over several months are of those lists only.
-- by month: platform_events, rows by month (a night recomputes only the months whose partitions changed)
WITH per_content AS (
    SELECT date_trunc('month', e.timestamp)::DATE AS month, e.platform, e.content_id,
           count(*) FILTER (WHERE e.event_type = 'view') AS views,
           count(*) FILTER (WHERE e.event_type = 'download') AS downloads,
           count(*) FILTER (WHERE e.event_type = 'quiz_submit') AS quiz_submits,
           count(DISTINCT e.user_id) AS users,
           coalesce(sum(e.duration_s), 0)::BIGINT AS total_duration_s
    FROM platform_events e
    WHERE e.content_id IS NOT NULL
    GROUP BY ALL
)
SELECT month, (year(month + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year, platform,
       row_number() OVER (PARTITION BY month, platform
                          ORDER BY views DESC, downloads DESC, users DESC, content_id) AS rank,
       content_id, views, downloads, quiz_submits, users, total_duration_s
FROM per_content
QUALIFY rank <= 20
ORDER BY month, platform, rank
