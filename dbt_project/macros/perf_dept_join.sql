{#-
    perf_dept_join(system, code_expr, date_expr, alias): a LEFT JOIN to the 科室对照 that resolves a
    source system's department code to the perf department in force on a date. Use
    `{{ alias }}.perf_dept_code` afterwards. One home for the effective-dated mapping rule.
-#}
{% macro perf_dept_join(system, code_expr, date_expr, alias) -%}
    left join {{ ref('int_department__code_map') }} as {{ alias }}
        on {{ alias }}.source_system = '{{ system }}'
       and {{ alias }}.source_dept_code = {{ code_expr }}
       and cast({{ date_expr }} as date) between {{ alias }}.effective_from and {{ alias }}.effective_to
{%- endmacro %}
