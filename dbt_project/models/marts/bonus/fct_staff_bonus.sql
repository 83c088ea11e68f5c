-- 个人奖金 (published): approved 二次分配 lines, 划拨, 科室留存 and 补录.
{%- set columns = ['period', 'paying_dept_code', 'home_dept_code', 'line_type', 'line_ref', 'staff_id',
                   'staff_name', 'amount', 'suggested_amount', 'version_id', 'reason'] %}
{{ jx_published(ref('int_bonus__staff_bonus'), 'fct_staff_bonus', columns) }}
