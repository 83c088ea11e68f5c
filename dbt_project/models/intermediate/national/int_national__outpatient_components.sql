-- 国考指标要素 — HIS outpatient (门急诊). Grain: one row per month (int_national__months) × component code
-- below; 0 when nothing happened.
--   op_visits              门急诊人次 = registrations (门诊挂号, incl. 急诊) not cancelled (退号不计), by registration month
--   op_prescriptions       门诊处方总数 = distinct outpatient prescriptions (处方号), by prescription month
--   op_tcm_prescriptions   门诊中药处方数 = outpatient prescriptions with a 中成药 (2) or 中药饮片 (3) line
--   op_herb_prescriptions  门诊中药饮片处方数 = outpatient prescriptions with a 中药饮片 (3) line
--   op_herb_visits         门诊患者中应用中药饮片人次 = outpatient visits (就诊号) with a 中药饮片 line
--   op_tcm_nondrug_visits  门诊使用中医非药物疗法人次 = outpatient visits with a net positive charge for a
--                          中医非药物疗法 item (tcm_service_items, longest code prefix decides; refund lines subtract)
-- A visit counts in its registration month (else the month of its first qualifying prescription /
-- charge); visits whose registration was cancelled do not count.
{%- set components = [
    ('op_visits', 'visits'),
    ('op_prescriptions', 'prescriptions'),
    ('op_tcm_prescriptions', 'tcm_prescriptions'),
    ('op_herb_prescriptions', 'herb_prescriptions'),
    ('op_herb_visits', 'herb_visits'),
    ('op_tcm_nondrug_visits', 'tcm_nondrug_visits'),
] %}

with months as (

    select month_start from {{ ref('int_national__months') }}

),

registrations as (

    select
        registration_id,
        {{ jx_month_start('registered_at') }} as month_start,
        coalesce(is_cancelled, false) as is_cancelled
    from {{ ref('stg_his__outpatient_registrations') }}
    where registered_at is not null

),

visit_totals as (

    select month_start, count(*) as visits
    from registrations
    where not is_cancelled
    group by month_start

),

outpatient_lines as (

    select prescription_id, encounter_id, prescribed_at, drug_type
    from {{ ref('stg_his__prescription_lines') }}
    where encounter_type = 'MZ'
      and prescribed_at is not null

),

prescriptions as (

    select
        prescription_id,
        {{ jx_month_start('min(prescribed_at)') }} as month_start,
        max(case when drug_type in ('2', '3') then 1 else 0 end) as has_tcm,
        max(case when drug_type = '3' then 1 else 0 end) as has_herb
    from outpatient_lines
    group by prescription_id

),

prescription_totals as (

    select
        month_start,
        count(*) as prescriptions,
        sum(has_tcm) as tcm_prescriptions,
        sum(has_herb) as herb_prescriptions
    from prescriptions
    group by month_start

),

herb_encounters as (

    select encounter_id, min(prescribed_at) as first_event_at
    from outpatient_lines
    where drug_type = '3'
    group by encounter_id

),

tcm_items as (

    select code_prefix, is_non_drug_therapy, effective_from, effective_to
    from {{ ref('stg_reference__tcm_service_items') }}

),

-- outpatient charge lines of 中医医疗服务项目; the longest matching code prefix classifies the line
outpatient_tcm_lines as (

    select
        l.charge_line_id,
        l.encounter_id,
        l.charged_at,
        l.amount,
        t.is_non_drug_therapy,
        row_number() over (
            partition by l.charge_line_id
            order by length(t.code_prefix) desc
        ) as match_rank
    from {{ ref('stg_his__charge_lines') }} as l
    inner join tcm_items as t
        on substr(l.charge_item_code, 1, length(t.code_prefix)) = t.code_prefix
       and cast(l.charged_at as date) between t.effective_from and {{ jx_open_end('t.effective_to') }}
    where l.encounter_type = 'MZ'

),

tcm_nondrug_encounters as (

    select encounter_id, min(charged_at) as first_event_at
    from outpatient_tcm_lines
    where match_rank = 1
      and is_non_drug_therapy
    group by encounter_id
    having sum(amount) > 0

),

qualifying_visits as (

    select 'herb' as visit_kind, encounter_id, first_event_at from herb_encounters
    union all
    select 'tcm_nondrug' as visit_kind, encounter_id, first_event_at from tcm_nondrug_encounters

),

qualifying_visits_dated as (

    select
        v.visit_kind,
        v.encounter_id,
        coalesce(r.month_start, {{ jx_month_start('v.first_event_at') }}) as month_start
    from qualifying_visits as v
    left join registrations as r
        on r.registration_id = v.encounter_id
    where not coalesce(r.is_cancelled, false)

),

qualifying_visit_totals as (

    select
        month_start,
        sum(case when visit_kind = 'herb' then 1 else 0 end) as herb_visits,
        sum(case when visit_kind = 'tcm_nondrug' then 1 else 0 end) as tcm_nondrug_visits
    from qualifying_visits_dated
    group by month_start

),

monthly as (

    select
        m.month_start,
        v.visits,
        p.prescriptions,
        p.tcm_prescriptions,
        p.herb_prescriptions,
        q.herb_visits,
        q.tcm_nondrug_visits
    from months as m
    left join visit_totals as v on v.month_start = m.month_start
    left join prescription_totals as p on p.month_start = m.month_start
    left join qualifying_visit_totals as q on q.month_start = m.month_start

),

final as (
    {{ jx_national_unpivot(components) }}

)

select * from final
