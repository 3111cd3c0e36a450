-- Teachers against students per school and academic year (contract 3.5, personnel sheet; PER-03): the
-- register's students, teachers in post (ครู + ครูอัตราจ้าง, as PER-03 counts them), students per teacher,
-- vacancies (teachers' and every position's), staff in post, and `shortage`: more than 25 students per
-- teacher (PER-03), or students and no teacher in post at all (no ratio for PER-03 to judge; short all the same).
WITH p AS (
    SELECT academic_year, school_code,
           coalesce(sum(actual) FILTER (item IN ('teacher', 'contract_teacher')), 0)::BIGINT AS teachers,
           coalesce(sum(vacant) FILTER (item IN ('teacher', 'contract_teacher')), 0)::BIGINT AS teacher_vacancies,
           coalesce(sum(vacant), 0)::BIGINT AS vacancies,
           coalesce(sum(actual), 0)::BIGINT AS staff_in_post
    FROM admin_personnel_items
    GROUP BY ALL
)
SELECT p.academic_year, p.school_code, s.school_name, s.district, s.size_class,
       s.students_total, p.teachers,
       round(s.students_total * 1.0 / nullif(p.teachers, 0), 1) AS students_per_teacher,
       p.teacher_vacancies, p.vacancies, p.staff_in_post,
       coalesce(s.students_total * 1.0 / nullif(p.teachers, 0) > 25, s.students_total > 0, false) AS shortage,
       r.outcome, r.rule_ids
FROM p
JOIN schools s USING (school_code)
JOIN admin_personnel r USING (academic_year, school_code)
ORDER BY p.academic_year, s.district, p.school_code
