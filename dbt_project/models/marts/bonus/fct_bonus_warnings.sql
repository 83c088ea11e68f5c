-- 辅助预警 (published): period × perf department × rule.
{%- set columns = ['period', 'perf_dept_code', 'perf_dept_name', 'rule_code', 'rule_name', 'severity',
                   'observed_value', 'threshold', 'detail'] %}
{{ jx_published(ref('int_bonus__warnings'), 'fct_bonus_warnings', columns) }}
