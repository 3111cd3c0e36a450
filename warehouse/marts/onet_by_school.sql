-- Each school's O-NET mean score (contract 3.5, academic sheet) per academic year, level and subject, beside
-- the mean of its district's schools and of the whole area's (onet_by_subject), and its differences from
-- both (positive: above the mean). Blank scores are left out.
SELECT u.academic_year, u.item AS level, lv.th AS level_th, u.subject, sb.th AS subject_th,
       u.school_code, s.school_name, s.district,
       u.score,
       m.mean_score AS district_mean,
       round(u.score - m.mean_score, 2) AS diff_from_district,
       m.area_mean,
       round(u.score - m.area_mean, 2) AS diff_from_area
FROM (UNPIVOT (SELECT academic_year, school_code, item, thai, math, science, english
               FROM admin_academic_onet_levels)
      ON thai, math, science, english INTO NAME subject VALUE score) u
JOIN schools s USING (school_code)
JOIN onet_by_subject m ON m.academic_year = u.academic_year AND m.level = u.item AND m.subject = u.subject
                      AND m.district = s.district
JOIN _ref_lists lv ON lv.list = 'onet_levels' AND lv.key = u.item
JOIN _ref_lists sb ON sb.list = 'onet_subjects' AND sb.key = u.subject
ORDER BY u.academic_year, lv.position, sb.position, s.district, u.school_code
