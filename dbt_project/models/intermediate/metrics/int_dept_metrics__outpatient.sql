-- 门诊指标 per perf department × month. Grain: perf_dept_code × period × metric_code (long).
--   outpatient_visits 门诊人次 = registrations not cancelled (退号不计)
--   herbal_prescription_share 中药饮片处方占比 = outpatient prescriptions with a 中药饮片 line / all
--     outpatient prescriptions
with registrations as (

    select m.perf_dept_code, {{ jx_month('r.registered_at') }} as period
    from {{ ref('stg_his__outpatient_registrations') }} as r
    {{ perf_dept_join('his', 'r.his_dept_code', 'r.registered_at', 'm') }}
    where not coalesce(r.is_cancelled, false)

),

prescriptions as (

    select
        m.perf_dept_code,
        {{ jx_month('p.prescribed_at') }} as period,
        p.prescription_id,
        max(case when p.drug_type = '3' then 1 else 0 end) as has_herbal
    from {{ ref('stg_his__prescription_lines') }} as p
    {{ perf_dept_join('his', 'p.his_dept_code', 'p.prescribed_at', 'm') }}
    where p.encounter_type = 'MZ'
    group by m.perf_dept_code, {{ jx_month('p.prescribed_at') }}, p.prescription_id

),

long as (

    select perf_dept_code, period, 'outpatient_visits' as metric_code,
           cast(count(*) as decimal(18, 4)) as numerator, cast(null as decimal(18, 4)) as denominator
    from registrations
    group by perf_dept_code, period
    union all
    select perf_dept_code, period, 'herbal_prescription_share', sum(has_herbal), count(*)
    from prescriptions
    group by perf_dept_code, period

),

final as (

    {{ metric_columns('long') }}

)

select * from final
