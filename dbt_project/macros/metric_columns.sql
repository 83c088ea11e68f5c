{#- metric_columns(cte): the base-metric row shape every int_dept_metrics__* model ends with —
    perf department, period, metric code, numerator and denominator as DECIMAL(18,4) (the value is
    computed once, in int_dept_metrics__monthly). -#}
{% macro metric_columns(cte) -%}
    select
        perf_dept_code,
        period,
        metric_code,
        cast(numerator as decimal(18, 4)) as numerator,
        cast(denominator as decimal(18, 4)) as denominator
    from {{ cte }}
{%- endmacro %}
