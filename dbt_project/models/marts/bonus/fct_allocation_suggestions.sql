-- 二次分配建议 (the template's source): period × perf department × staff member. Not archived: a
-- closed period takes no new allocations.
select * from {{ ref('int_bonus__allocation_suggestions') }}
