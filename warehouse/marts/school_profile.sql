-- One row per register school with the latest of every survey: DLTV needs (latest fiscal year), DLIT
-- use (latest academic year and semester) and the four areas (contract 3.5), each sheet's latest academic
-- year apart (one sheet may be quarantined in a year the others passed): students counted over the grades,
-- teachers in post and students per teacher (teacher_shortage), internet, computers and buildings
-- (infrastructure).
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
), academic AS (
    SELECT school_code, academic_year, sum(coalesce(male, 0) + coalesce(female, 0))::BIGINT AS students_counted
    FROM admin_academic_grades GROUP BY school_code, academic_year
    QUALIFY row_number() OVER (PARTITION BY school_code ORDER BY academic_year DESC) = 1
), personnel AS (
    SELECT * FROM teacher_shortage
    QUALIFY row_number() OVER (PARTITION BY school_code ORDER BY academic_year DESC) = 1
), general AS (
    SELECT * FROM infrastructure
    QUALIFY row_number() OVER (PARTITION BY school_code ORDER BY academic_year DESC) = 1
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
       d.hours_per_week AS dlit_hours_per_week, d.internet_mbps AS dlit_internet_mbps,
       a.academic_year AS admin_academic_year, a.students_counted AS admin_students_counted,
       p.academic_year AS admin_personnel_year, p.teachers AS admin_teachers,
       p.students_per_teacher AS admin_students_per_teacher, p.shortage AS admin_teacher_shortage,
       g.academic_year AS admin_general_year, g.internet AS admin_internet, g.internet_mbps AS admin_internet_mbps,
       g.computers_teaching AS admin_computers_teaching, g.computers_admin AS admin_computers_admin,
       g.buildings AS admin_buildings, g.building_condition AS admin_building_condition
FROM schools s
LEFT JOIN latest l USING (school_code)
LEFT JOIN requested q ON q.school_code = l.school_code AND q.fiscal_year = l.fiscal_year
LEFT JOIN dlit d ON d.school_code = s.school_code
LEFT JOIN academic a ON a.school_code = s.school_code
LEFT JOIN personnel p ON p.school_code = s.school_code
LEFT JOIN general g ON g.school_code = s.school_code
ORDER BY s.school_code
