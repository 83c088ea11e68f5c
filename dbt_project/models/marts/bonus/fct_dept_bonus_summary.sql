-- 科室奖金汇总 (published): period × perf department. dept_bonus = Σ fct_dept_bonus.amount.
{%- set columns = ['period', 'perf_dept_code', 'perf_dept_name', 'dept_category', 'accounting_group',
                   'basis', 'dept_bonus', 'headcount', 'per_capita_bonus', 'points', 'kpi_coefficient',
                   'kpi_complete', 'charge_amount', 'unmapped_amount', 'unmapped_share', 'prev_dept_bonus',
                   'mom_change'] %}
{{ jx_published(ref('int_bonus__dept_summary'), 'fct_dept_bonus_summary', columns) }}
