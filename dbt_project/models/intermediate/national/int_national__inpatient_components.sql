-- 国考指标要素 — HIS inpatient (病案首页, month = discharge month; ip_antibiotic_ddds: prescription month).
-- Grain: one row per month (int_national__months) × component code below; 0 when nothing happened.
--   ip_discharges            出院患者人次 = discharge abstracts
--   ip_surgery_patients      出院患者手术人数 = discharges with ≥ 1 procedure of surgery grade 1–4
--   ip_mis_patients          出院患者微创手术人数 = discharges with ≥ 1 surgery (grade 1–4) that is minimally invasive
--   ip_grade3_patients       出院患者三级手术人数 = discharges with ≥ 1 procedure of grade 3
--   ip_complication_patients 手术患者并发症发生人数 = surgery patients with a secondary diagnosis (其他诊断) in
--                            the complication list
--   ip_lowrisk_cases         低风险组病例数 = discharges whose principal diagnosis is in the low-risk list
--   ip_lowrisk_deaths        低风险组死亡例数 = low-risk discharges with 离院方式 5 (死亡)
--   ip_bed_days              出院患者占用总床日数 = Σ 实际住院天数
--   ip_tcm_led               以中医为主治疗的出院人次 = abstracts flagged 以中医为主治疗
--   ip_periop_tcm            手术患者围手术期应用中医治疗人次 = surgery patients flagged 围手术期中医治疗
--   ip_herb_patients         出院患者中应用中药饮片人次 = discharges whose stay has a 中药饮片 prescription line
--   ip_tcm_nondrug_patients  出院患者中使用中医非药物疗法人次 = discharges whose stay has a net positive charge
--                            for a 中医非药物疗法 item (tcm_service_items, longest code prefix decides)
--   ip_antibiotic_ddds       住院患者抗菌药物消耗量 = Σ inpatient line quantity × unit_strength_g / ddd_g of the
--                            drugs in the antibiotic DDD list, by prescription month
-- Code lists (stg_reference__*) apply on the event date: the operation date (else the discharge date)
-- for procedures, the discharge date for diagnoses, the prescription date for drugs, the charge date
-- for charges. Surgery grade = the grade list's grade for the procedure code, else the HIS-recorded
-- grade when the code is not in the list; minimally invasive = the code is in the 微创手术目录, or the
-- HIS flag when the code is not in the grade list either. A stay's charges include refund lines
-- (negative amounts), so a fully refunded therapy does not count.
{%- set components = [
    ('ip_discharges', 'discharges'),
    ('ip_surgery_patients', 'surgery_patients'),
    ('ip_mis_patients', 'mis_patients'),
    ('ip_grade3_patients', 'grade3_patients'),
    ('ip_complication_patients', 'complication_patients'),
    ('ip_lowrisk_cases', 'lowrisk_cases'),
    ('ip_lowrisk_deaths', 'lowrisk_deaths'),
    ('ip_bed_days', 'bed_days'),
    ('ip_tcm_led', 'tcm_led'),
    ('ip_periop_tcm', 'periop_tcm'),
    ('ip_herb_patients', 'herb_patients'),
    ('ip_tcm_nondrug_patients', 'tcm_nondrug_patients'),
    ('ip_antibiotic_ddds', 'antibiotic_ddds'),
] %}

with months as (

    select month_start from {{ ref('int_national__months') }}

),

abstracts as (

    select
        inpatient_id,
        discharged_at,
        cast(discharged_at as date) as discharged_on,
        {{ jx_month_start('discharged_at') }} as month_start,
        principal_diagnosis_code,
        -- 其他诊断: ';'-separated ICD-10 codes; spaces dropped, '；' and ',' read as ';'
        replace(replace(replace(coalesce(secondary_diagnosis_codes, ''), ' ', ''), '；', ';'), ',', ';')
            as secondary_diagnosis_codes,
        length_of_stay_days,
        discharge_disposition,
        is_tcm_led_treatment,
        has_perioperative_tcm
    from {{ ref('stg_his__discharge_abstracts') }}
    where discharged_at is not null

),

operations as (

    select
        o.operation_record_id,
        o.inpatient_id,
        o.procedure_code,
        o.surgery_grade as his_surgery_grade,
        o.is_minimally_invasive as his_is_minimally_invasive,
        cast(coalesce(o.operated_at, a.discharged_at) as date) as operated_on
    from {{ ref('stg_his__operations') }} as o
    inner join abstracts as a
        on a.inpatient_id = o.inpatient_id

),

surgery_grades as (

    select procedure_code, surgery_grade, effective_from, effective_to
    from {{ ref('stg_reference__surgery_grades') }}

),

mis_procedures as (

    select procedure_code, effective_from, effective_to
    from {{ ref('stg_reference__minimally_invasive_procedures') }}

),

low_risk_diagnoses as (

    select diagnosis_code_prefix, effective_from, effective_to
    from {{ ref('stg_reference__low_risk_diagnoses') }}

),

complication_diagnoses as (

    select diagnosis_code_prefix, effective_from, effective_to
    from {{ ref('stg_reference__complication_diagnoses') }}

),

-- one row per operation × list match (the lists do not overlap in time, so at most one of each)
operations_coded as (

    select
        o.operation_record_id,
        o.inpatient_id,
        case when g.procedure_code is not null then g.surgery_grade else o.his_surgery_grade end as surgery_grade,
        case
            when m.procedure_code is not null then true
            when g.procedure_code is null then coalesce(o.his_is_minimally_invasive, false)
            else false
        end as is_minimally_invasive
    from operations as o
    left join surgery_grades as g
        on g.procedure_code = o.procedure_code
       and o.operated_on between g.effective_from and {{ jx_open_end('g.effective_to') }}
    left join mis_procedures as m
        on m.procedure_code = o.procedure_code
       and o.operated_on between m.effective_from and {{ jx_open_end('m.effective_to') }}

),

stay_operations as (

    select
        inpatient_id,
        max(case when surgery_grade between 1 and 4 then 1 else 0 end) as has_surgery,
        max(case when surgery_grade between 1 and 4 and is_minimally_invasive then 1 else 0 end) as has_mis,
        max(case when surgery_grade = 3 then 1 else 0 end) as has_grade3
    from operations_coded
    group by inpatient_id

),

stay_low_risk as (

    select distinct a.inpatient_id
    from abstracts as a
    inner join low_risk_diagnoses as l
        on substr(a.principal_diagnosis_code, 1, length(l.diagnosis_code_prefix)) = l.diagnosis_code_prefix
       and a.discharged_on between l.effective_from and {{ jx_open_end('l.effective_to') }}

),

-- a secondary code starts with the prefix ⇔ ';' || prefix occurs in ';' || the code list
stay_complication as (

    select distinct a.inpatient_id
    from abstracts as a
    inner join complication_diagnoses as c
        on {{ dbt.position("';' || c.diagnosis_code_prefix", "';' || a.secondary_diagnosis_codes") }} > 0
       and a.discharged_on between c.effective_from and {{ jx_open_end('c.effective_to') }}

),

stay_herbs as (

    select distinct encounter_id as inpatient_id
    from {{ ref('stg_his__prescription_lines') }}
    where encounter_type = 'ZY'
      and drug_type = '3'

),

tcm_items as (

    select code_prefix, is_non_drug_therapy, effective_from, effective_to
    from {{ ref('stg_reference__tcm_service_items') }}

),

-- inpatient charge lines of 中医医疗服务项目; the longest matching code prefix classifies the line
inpatient_tcm_lines as (

    select
        l.charge_line_id,
        l.encounter_id as inpatient_id,
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
    where l.encounter_type = 'ZY'

),

stay_tcm_nondrug as (

    select inpatient_id
    from inpatient_tcm_lines
    where match_rank = 1
      and is_non_drug_therapy
    group by inpatient_id
    having sum(amount) > 0

),

per_stay as (

    select
        a.inpatient_id,
        a.month_start,
        a.length_of_stay_days,
        coalesce(so.has_surgery, 0) = 1 as is_surgery_patient,
        coalesce(so.has_mis, 0) = 1 as is_mis_patient,
        coalesce(so.has_grade3, 0) = 1 as is_grade3_patient,
        sc.inpatient_id is not null as has_complication,
        lr.inpatient_id is not null as is_low_risk,
        coalesce(a.discharge_disposition = '5', false) as is_death,
        coalesce(a.is_tcm_led_treatment, false) as is_tcm_led,
        coalesce(a.has_perioperative_tcm, false) as has_periop_tcm,
        sh.inpatient_id is not null as has_herbs,
        sn.inpatient_id is not null as has_tcm_nondrug
    from abstracts as a
    left join stay_operations as so on so.inpatient_id = a.inpatient_id
    left join stay_complication as sc on sc.inpatient_id = a.inpatient_id
    left join stay_low_risk as lr on lr.inpatient_id = a.inpatient_id
    left join stay_herbs as sh on sh.inpatient_id = a.inpatient_id
    left join stay_tcm_nondrug as sn on sn.inpatient_id = a.inpatient_id

),

discharge_totals as (

    select
        month_start,
        count(*) as discharges,
        sum(case when is_surgery_patient then 1 else 0 end) as surgery_patients,
        sum(case when is_mis_patient then 1 else 0 end) as mis_patients,
        sum(case when is_grade3_patient then 1 else 0 end) as grade3_patients,
        sum(case when is_surgery_patient and has_complication then 1 else 0 end) as complication_patients,
        sum(case when is_low_risk then 1 else 0 end) as lowrisk_cases,
        sum(case when is_low_risk and is_death then 1 else 0 end) as lowrisk_deaths,
        sum(coalesce(length_of_stay_days, 0)) as bed_days,
        sum(case when is_tcm_led then 1 else 0 end) as tcm_led,
        sum(case when is_surgery_patient and has_periop_tcm then 1 else 0 end) as periop_tcm,
        sum(case when has_herbs then 1 else 0 end) as herb_patients,
        sum(case when has_tcm_nondrug then 1 else 0 end) as tcm_nondrug_patients
    from per_stay
    group by month_start

),

antibiotic_ddd as (

    select drug_code, unit_strength_g, ddd_g, effective_from, effective_to
    from {{ ref('stg_reference__antibiotic_ddd') }}
    where ddd_g > 0

),

antibiotic_totals as (

    select
        {{ jx_month_start('p.prescribed_at') }} as month_start,
        sum(p.quantity * d.unit_strength_g / d.ddd_g) as antibiotic_ddds
    from {{ ref('stg_his__prescription_lines') }} as p
    inner join antibiotic_ddd as d
        on d.drug_code = p.drug_code
       and cast(p.prescribed_at as date) between d.effective_from and {{ jx_open_end('d.effective_to') }}
    where p.encounter_type = 'ZY'
    group by {{ jx_month_start('p.prescribed_at') }}

),

monthly as (

    select
        m.month_start,
        t.discharges,
        t.surgery_patients,
        t.mis_patients,
        t.grade3_patients,
        t.complication_patients,
        t.lowrisk_cases,
        t.lowrisk_deaths,
        t.bed_days,
        t.tcm_led,
        t.periop_tcm,
        t.herb_patients,
        t.tcm_nondrug_patients,
        ab.antibiotic_ddds
    from months as m
    left join discharge_totals as t on t.month_start = m.month_start
    left join antibiotic_totals as ab on ab.month_start = m.month_start

),

final as (
    {{ jx_national_unpivot(components) }}

)

select * from final
