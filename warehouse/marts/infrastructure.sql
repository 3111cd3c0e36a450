-- Each school's buildings, computers, internet, electricity and distance per academic year (contract 3.5,
-- general administration sheet), with its district and the register's students; current rows only.
SELECT g.academic_year, g.school_code, s.school_name, s.district, s.students_total,
       g.buildings, g.building_condition, r.en AS building_condition_en,
       g.computers_teaching, g.computers_admin,
       coalesce(g.computers_teaching, 0) + coalesce(g.computers_admin, 0) AS computers,
       g.internet, g.internet_mbps, g.electricity, g.distance_km,
       g.outcome, g.rule_ids
FROM admin_general g
JOIN schools s USING (school_code)
LEFT JOIN _ref_lists r ON r.list = 'building_conditions' AND r.key = g.building_condition
ORDER BY g.academic_year, s.district, g.school_code
