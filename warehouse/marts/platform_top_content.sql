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
           coalesce(sum(e.duration_s), 0)::BIGINT AS total_duration_s
    FROM platform_events e
    WHERE e.content_id IS NOT NULL
    GROUP BY ALL
), candidates AS (
    -- Users only break ties after views and downloads, so a content can be in a top 20 only if fewer
    -- than 20 of its month and platform beat it on those two (rank() keeps every tie). Distinct users,
    -- the costly count, are counted for these few contents, not for every content of the year.
    SELECT * FROM per_content
    QUALIFY rank() OVER (PARTITION BY month, platform ORDER BY views DESC, downloads DESC) <= 20
), users AS (
    SELECT date_trunc('month', e.timestamp)::DATE AS month, e.platform, e.content_id,
           count(DISTINCT e.user_id) AS users
    FROM platform_events e
    WHERE e.content_id IN (SELECT content_id FROM candidates)
    GROUP BY ALL
)
SELECT c.month, (year(c.month + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year, c.platform,
       row_number() OVER (PARTITION BY c.month, c.platform
                          ORDER BY c.views DESC, c.downloads DESC, u.users DESC, c.content_id) AS rank,
       c.content_id, c.views, c.downloads, c.quiz_submits, u.users, c.total_duration_s
FROM candidates c
JOIN users u USING (month, platform, content_id)
QUALIFY rank <= 20
ORDER BY c.month, c.platform, rank
