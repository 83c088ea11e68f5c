{#- jx_month(ts): the accounting period 'YYYY-MM' of a date or timestamp (portable: DuckDB and PostgreSQL
    both render timestamps as 'YYYY-MM-DD …' when cast to text). -#}
{% macro jx_month(expr) -%}
    substr(cast({{ expr }} as varchar), 1, 7)
{%- endmacro %}

{#- jx_month_start(ts): the first day of the month of a date or timestamp, as a DATE (portable). -#}
{% macro jx_month_start(expr) -%}
    cast({{ dbt.date_trunc('month', expr) }} as date)
{%- endmacro %}
