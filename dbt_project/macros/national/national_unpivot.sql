{#- jx_national_unpivot(components, source='monthly'): the component models' last step — one row per month ×
    component from a wide CTE. components: [(component_code, column), …]; a month without events gives 0. -#}
{% macro jx_national_unpivot(components, source='monthly') -%}
    {% for code, column in components %}
    select
        month_start,
        cast('{{ code }}' as varchar) as component_code,
        cast(coalesce({{ column }}, 0) as decimal(20, 4)) as component_value
    from {{ source }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
