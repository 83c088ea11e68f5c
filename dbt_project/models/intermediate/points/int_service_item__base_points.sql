-- 项目基础点数 per standard item and formula version. Grain: item_code × formula_version.
with items as (

    select item_code, hr_value, tech_difficulty, risk_level
    from {{ ref('stg_reference__national_service_items') }}

),

formula as (

    select * from {{ ref('point_formula') }}

),

final as (

    select
        items.item_code,
        formula.formula_version,
        formula.effective_from,
        {{ jx_open_end('formula.effective_to') }} as effective_to,
        formula.alpha,
        formula.beta,
        {{ service_item_base_points('items.hr_value', 'items.tech_difficulty', 'items.risk_level',
                                    'formula.alpha', 'formula.beta') }} as base_points
    from items
    cross join formula

)

select * from final
