-- Students per academic year, district and grade (contract 3.5, academic sheet): boys, girls and both,
-- summed over the schools whose sheet is current (valid or flagged) and that wrote a count for the grade
-- (a school that teaches no ม.1 leaves it blank and is not counted among that grade's schools).
-- grade_th is the contract's label (อ.1 ... ม.6) and grade_order its place in the list.
SELECT g.academic_year, s.district, g.item AS grade, r.th AS grade_th, r.position AS grade_order,
       count(*) AS schools,
       coalesce(sum(g.male), 0)::BIGINT AS male,
       coalesce(sum(g.female), 0)::BIGINT AS female,
       (coalesce(sum(g.male), 0) + coalesce(sum(g.female), 0))::BIGINT AS total
FROM admin_academic_grades g
JOIN schools s USING (school_code)
JOIN _ref_lists r ON r.list = 'grades' AND r.key = g.item
WHERE g.male IS NOT NULL OR g.female IS NOT NULL
GROUP BY ALL
ORDER BY g.academic_year, s.district, grade_order
