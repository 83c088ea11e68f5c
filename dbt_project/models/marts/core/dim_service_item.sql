-- 标准项目库: the national 2023 items with their technical values and current base points.
with items as (

    select * from {{ ref('stg_reference__national_service_items') }}

),

current_points as (

    select item_code, formula_version, base_points
    from {{ ref('int_service_item__base_points') }}
    where current_date between effective_from and effective_to

),

final as (

    select
        i.item_code,
        i.item_name,
        substr(i.item_code, 1, 1) as chapter_code,
        split_part(i.catalogue_path, ' > ', 1) as chapter_name,
        i.catalogue_code,
        i.catalogue_path,
        i.unit,
        i.hr_time,
        i.tech_difficulty,
        i.risk_level,
        i.hr_value,
        (i.hr_value is not null) as has_technical_values,
        p.formula_version as current_formula_version,
        p.base_points as current_base_points,
        i.invoice_class,
        i.accounting_class,
        i.catalogue_edition,
        i.source_file
    from items as i
    left join current_points as p on p.item_code = i.item_code

)

select * from final
