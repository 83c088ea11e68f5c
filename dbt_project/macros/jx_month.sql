{#- jx_month(ts): the accounting period 'YYYY-MM' of a date or timestamp (portable: DuckDB and PostgreSQL
    both render timestamps as 'YYYY-MM-DD …' when cast to text). -#}
{% macro jx_month(expr) -%}
    substr(cast({{ expr }} as varchar), 1, 7)
{%- endmacro %}
