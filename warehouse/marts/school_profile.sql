-- One row per register school with the latest of every survey: DLTV needs (latest fiscal year) and DLIT
-- use (latest academic year and semester).
WITH latest AS (
    SELECT * FROM dltv_equipment
    QUALIFY row_number() OVER (PARTITION BY school_code ORDER BY fiscal_year DESC) = 1
), requested AS (
    SELECT school_code, fiscal_year,
           sum(request_replace) AS request_replace, sum(request_repair) AS request_repair
    FROM dltv_equipment_items GROUP BY ALL
), dlit AS (
    SELECT * FROM dlit_usage
    QUALIFY row_number() OVER (PARTITION BY school_code ORDER BY academic_year DESC, semester DESC) = 1
)
SELECT s.school_code, s.smis_code, s.school_name, s.district, s.subdistrict, s.province,
       s.students_total, s.size_class, s.is_dltv_school, s.dltv_eligible, s.lat, s.lon,
       s.outcome AS register_outcome, s.rule_ids AS register_rule_ids,
       l.fiscal_year AS dltv_latest_year, l.survey_date AS dltv_survey_date, l.dltv_classrooms,
       q.request_replace AS dltv_request_replace, q.request_repair AS dltv_request_repair,
       l.outcome AS dltv_outcome,
       d.academic_year AS dlit_latest_year, d.semester AS dlit_latest_semester,
       d.teachers_total AS dlit_teachers_total, d.teachers_using AS dlit_teachers_using,
       d.uses_classroom::INTEGER + d.uses_resources::INTEGER + d.uses_library::INTEGER
           + d.uses_assessment::INTEGER + d.uses_plc::INTEGER AS dlit_services_used,
       d.hours_per_week AS dlit_hours_per_week, d.internet_mbps AS dlit_internet_mbps
FROM schools s
LEFT JOIN latest l USING (school_code)
LEFT JOIN requested q ON q.school_code = l.school_code AND q.fiscal_year = l.fiscal_year
LEFT JOIN dlit d ON d.school_code = s.school_code
ORDER BY s.school_code
