-- 月度考勤（hr.t_hr_attendance）: rename, cast, deduplicate. Grain: one row per employee × month (月度考勤).
with source as (

    select * from {{ source('hr', 't_hr_attendance') }}

),

renamed as (

    select
        {{ stg_cast('fid', 'text') }} as attendance_id,
        {{ stg_cast('fperiod', 'text') }} as attendance_period,
        {{ stg_cast('fpersonnumber', 'text') }} as staff_id,
        {{ stg_cast('fattenddays', 'dec2') }} as attendance_days,
        {{ stg_cast('fleavedays', 'dec2') }} as leave_days,
        {{ stg_cast('fnightshifts', 'int') }} as night_shifts,
        {{ stg_cast('fmodifytime', 'ts') }} as modified_at,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by attendance_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        attendance_id,
        attendance_period,
        staff_id,
        attendance_days,
        leave_days,
        night_shifts,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
