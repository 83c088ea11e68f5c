-- 科室成本（cost.CB_KSCB）: rename, cast, deduplicate. Grain: one row per month × cost centre × cost item (科室成本).
with source as (

    select * from {{ source('cost', 'cb_kscb') }}

),

renamed as (

    select
        {{ stg_cast('id', 'text') }} as dept_cost_id,
        {{ stg_cast('kjqj', 'text') }} as cost_period,
        {{ stg_cast('cbksdm', 'text') }} as cost_centre_code,
        {{ stg_cast('cbxmdm', 'text') }} as cost_item_code,
        {{ stg_cast('zjcb', 'dec2') }} as direct_cost,
        {{ stg_cast('jjcb1', 'dec2') }} as allocated_admin_cost,
        {{ stg_cast('jjcb2', 'dec2') }} as allocated_auxiliary_cost,
        {{ stg_cast('jjcb3', 'dec2') }} as allocated_medtech_cost,
        {{ stg_cast('xgsj', 'ts') }} as modified_at,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by dept_cost_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        dept_cost_id,
        cost_period,
        cost_centre_code,
        cost_item_code,
        direct_cost,
        allocated_admin_cost,
        allocated_auxiliary_cost,
        allocated_medtech_cost,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
