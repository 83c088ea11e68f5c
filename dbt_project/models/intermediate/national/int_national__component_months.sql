-- 指标要素月度值: all monthly components (flows and month-end stocks) of the six source models.
-- Grain: one row per month (int_national__months) × component_code.
{%- set component_models = [
    'int_national__inpatient_components',
    'int_national__outpatient_components',
    'int_national__drug_components',
    'int_national__finance_components',
    'int_national__staff_components',
    'int_national__bed_components',
] %}

with unioned as (
    {% for model in component_models %}
    select month_start, component_code, component_value
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        cast(month_start as date) as month_start,
        cast(component_code as varchar) as component_code,
        cast(component_value as decimal(20, 4)) as component_value
    from unioned

)

select * from final
