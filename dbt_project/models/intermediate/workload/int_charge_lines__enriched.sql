-- Charge lines with their standard item, point policy and perf departments (科室对照 by date).
-- Grain: one row per charge line (as stg_his__charge_lines).
with lines as (

    select * from {{ ref('stg_his__charge_lines') }}

),

items as (

    select charge_item_code, standard_code, match_method
    from {{ ref('int_charge_item__standard_match') }}

),

policy as (

    select fee_category_code, has_technical_value, split_category
    from {{ ref('fee_category_policy') }}

),

final as (

    select
        l.charge_line_id,
        l.encounter_type,
        l.encounter_id,
        l.charge_item_code,
        l.charge_item_name,
        l.fee_category_code,
        -- unknown fee categories earn nothing until the policy seed names them
        coalesce(p.has_technical_value, false) as has_technical_value,
        coalesce(p.split_category, 'none') as split_category,
        i.standard_code,
        i.match_method,
        l.quantity,
        l.unit_price,
        l.amount,
        l.is_refund,
        l.original_charge_line_id,
        l.ordering_his_dept_code,
        od.perf_dept_code as ordering_perf_dept_code,
        l.executing_his_dept_code,
        ed.perf_dept_code as executing_perf_dept_code,
        l.ordering_doctor_id,
        l.executor_id,
        l.charged_at,
        cast(l.charged_at as date) as charged_on,
        {{ jx_month('l.charged_at') }} as period
    from lines as l
    left join items as i
        on i.charge_item_code = l.charge_item_code
    left join policy as p
        on p.fee_category_code = l.fee_category_code
    {{ perf_dept_join('his', 'l.ordering_his_dept_code', 'l.charged_at', 'od') }}
    {{ perf_dept_join('his', 'l.executing_his_dept_code', 'l.charged_at', 'ed') }}

)

select * from final
