-- O-NET mean scores (contract 3.5, academic sheet) per academic year, level (ป.6, ม.3), subject and district:
-- the district's schools with a score and their mean, beside the mean over every school of the area
-- (the whole educational service area) and the district's difference from it. A mean is the mean of
-- the schools' own means, each school once: the sheet has no count of test takers to weight by.
WITH scores AS (
    SELECT u.academic_year, u.item AS level, s.district, u.subject, u.score
    FROM (UNPIVOT (SELECT academic_year, school_code, item, thai, math, science, english
                   FROM admin_academic_onet_levels)
          ON thai, math, science, english INTO NAME subject VALUE score) u  -- blank scores are left out
    JOIN schools s USING (school_code)
), area AS (
    SELECT academic_year, level, subject, count(*) AS area_schools, avg(score) AS area_mean
    FROM scores GROUP BY ALL
)
SELECT d.academic_year, d.level, lv.th AS level_th, d.subject, sb.th AS subject_th, d.district,
       count(*) AS schools,
       round(avg(d.score), 2) AS mean_score,
       any_value(a.area_schools) AS area_schools,
       round(any_value(a.area_mean), 2) AS area_mean,
       round(avg(d.score) - any_value(a.area_mean), 2) AS diff_from_area
FROM scores d
JOIN area a USING (academic_year, level, subject)
JOIN _ref_lists lv ON lv.list = 'onet_levels' AND lv.key = d.level
JOIN _ref_lists sb ON sb.list = 'onet_subjects' AND sb.key = d.subject
GROUP BY d.academic_year, d.level, lv.th, lv.position, d.subject, sb.th, sb.position, d.district
ORDER BY d.academic_year, lv.position, sb.position, d.district
