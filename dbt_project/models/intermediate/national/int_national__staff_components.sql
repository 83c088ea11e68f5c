-- 国考 / 经济管理监测指标要素 — HR roster (人员档案), month-end stocks. Grain: one row per month
-- (int_national__months) × component code below.
-- In post at month end = hired_on ≤ the month's last day and (no leave date or left_on ≥ that day: a
-- person leaving on the last day of the month is still on the roster that month).
--   hr_staff_active     在职职工人数 = everyone in post
--   hr_doctors          执业（助理）医师数 = post category 医生
--   hr_tcm_doctors      中医类别执业（助理）医师数 = 医生 with the 中医类别 flag
--   hr_nurses           注册护士数 = post category 护理
--   hr_special_doctors  麻醉、儿科、重症、病理医师数 = 医生 whose HR organisation maps (科室对照, at month end) to
--                       a perf department of seed national_specialty_departments
--   hr_health_tech      卫生技术人员数 = post categories 医生, 护理, 医技, 药剂
-- Post categories are the HR system's values (simulator/staff.py POSTS, as int_dept_metrics__staff).
{%- set health_tech_posts = ['医生', '护理', '医技', '药剂'] %}
{%- set components = [
    ('hr_staff_active', 'staff_active'),
    ('hr_doctors', 'doctors'),
    ('hr_tcm_doctors', 'tcm_doctors'),
    ('hr_nurses', 'nurses'),
    ('hr_special_doctors', 'special_doctors'),
    ('hr_health_tech', 'health_tech'),
] %}

with months as (

    select
        month_start,
        cast(month_start + interval '1 month' - interval '1 day' as date) as month_end
    from {{ ref('int_national__months') }}

),

staff as (

    select staff_id, hr_org_code, post_category, is_tcm_physician, hired_on, left_on
    from {{ ref('stg_hr__staff') }}

),

in_post as (

    select
        mo.month_start,
        mo.month_end,
        s.staff_id,
        s.hr_org_code,
        s.post_category,
        coalesce(s.is_tcm_physician, false) as is_tcm_physician
    from months as mo
    inner join staff as s
        on s.hired_on <= mo.month_end
       and (s.left_on is null or s.left_on >= mo.month_end)

),

specialty_departments as (

    select perf_dept_code, effective_from, effective_to
    from {{ ref('national_specialty_departments') }}

),

mapped as (

    select
        e.month_start,
        e.staff_id,
        e.post_category,
        e.is_tcm_physician,
        case when exists (
            select 1 from specialty_departments as sd
            where sd.perf_dept_code = m.perf_dept_code
              and e.month_end between sd.effective_from and {{ jx_open_end('sd.effective_to') }}
        ) then 1 else 0 end as in_specialty_department
    from in_post as e
    {{ perf_dept_join('hr', 'e.hr_org_code', 'e.month_end', 'm') }}

),

staff_totals as (

    select
        month_start,
        count(distinct staff_id) as staff_active,
        count(distinct case when post_category = '医生' then staff_id end) as doctors,
        count(distinct case when post_category = '医生' and is_tcm_physician then staff_id end) as tcm_doctors,
        count(distinct case when post_category = '护理' then staff_id end) as nurses,
        count(distinct case when post_category = '医生' and in_specialty_department = 1 then staff_id end)
            as special_doctors,
        count(distinct case
            when post_category in ('{{ health_tech_posts | join("', '") }}') then staff_id
        end) as health_tech
    from mapped
    group by month_start

),

monthly as (

    select
        m.month_start,
        t.staff_active,
        t.doctors,
        t.tcm_doctors,
        t.nurses,
        t.special_doctors,
        t.health_tech
    from months as m
    left join staff_totals as t on t.month_start = m.month_start

),

final as (
    {{ jx_national_unpivot(components) }}

)

select * from final
