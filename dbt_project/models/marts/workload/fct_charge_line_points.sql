-- 工作量点数明细: points per charge line × role.
--   points = per-unit points × quantity × split ratio, rounded to 4 dp
--   per-unit points = override_points of the matching adjustment, else
--                     base points (service_item_base_points) × adjustment multiplier (default 1)
-- The most specific adjustment in force on the charge date wins (dept > accounting group > category,
-- then the longest item-code prefix); adjustments do not stack. Refund lines (negative quantity)
-- subtract. Lines without technical value (drugs, consumables, beds, registration) or without a
-- standard item carry 0 points and say why in points_status.
with splits as (

    select * from {{ ref('int_charge_lines__role_split') }}

),

base as (

    select item_code, formula_version, effective_from, effective_to, base_points
    from {{ ref('int_service_item__base_points') }}

),

adjustments as (

    select * from {{ ref('dept_point_adjustments') }}

),

departments as (

    select perf_dept_code, dept_category, accounting_group
    from {{ ref('dim_department') }}

),

lines as (

    select
        s.*,
        b.formula_version,
        b.base_points,
        d.dept_category,
        d.accounting_group
    from splits as s
    left join base as b
        on b.item_code = s.standard_code
       and s.charged_on between b.effective_from and b.effective_to
    left join departments as d
        on d.perf_dept_code = s.perf_dept_code

),

adjustment_matches as (

    select
        l.charge_line_id,
        l.role,
        a.adjustment_id,
        a.multiplier,
        a.override_points,
        row_number() over (
            partition by l.charge_line_id, l.role
            order by
                case a.dept_scope_type when 'dept' then 3 when 'accounting_group' then 2 else 1 end desc,
                length(coalesce(a.item_code_prefix, '')) desc,
                a.adjustment_id
        ) as match_rank
    from lines as l
    inner join adjustments as a
        on l.charged_on >= a.effective_from
       and l.charged_on <= {{ jx_open_end('a.effective_to') }}
       and l.standard_code like coalesce(a.item_code_prefix, '') || '%'
       and (
            (a.dept_scope_type = 'dept' and a.dept_scope_value = l.perf_dept_code)
         or (a.dept_scope_type = 'accounting_group' and a.dept_scope_value = l.accounting_group)
         or (a.dept_scope_type = 'category' and a.dept_scope_value = l.dept_category)
       )
    where l.has_technical_value

),

statused as (

    select
        l.*,
        m.adjustment_id,
        m.multiplier as adjustment_multiplier,
        m.override_points,
        case
            when not l.has_technical_value then 'no_technical_value'
            when l.standard_code is null then 'unmapped_item'
            when l.base_points is null and m.override_points is null then 'no_catalogue_values'
            else 'scored'
        end as points_status
    from lines as l
    left join adjustment_matches as m
        on m.charge_line_id = l.charge_line_id
       and m.role = l.role
       and m.match_rank = 1

),

final as (

    select
        charge_line_id,
        role,
        perf_dept_code,
        period,
        charged_at,
        encounter_type,
        charge_item_code,
        charge_item_name,
        fee_category_code,
        standard_code,
        match_method,
        staff_id,
        ordering_doctor_id,
        executor_id,
        quantity,
        amount,
        is_refund,
        has_technical_value,
        split_category,
        split_ratio,
        formula_version,
        base_points,
        adjustment_id,
        adjustment_multiplier,
        override_points,
        points_status,
        cast(case
            -- widen before multiplying: DECIMAL(18, x) × DECIMAL(18, y) overflows on large quantities
            when points_status = 'scored' then round(
                cast(coalesce(override_points, base_points * coalesce(adjustment_multiplier, 1)) as decimal(38, 6))
                * cast(quantity as decimal(38, 6)) * cast(split_ratio as decimal(38, 6)), 4)
            else 0
        end as decimal(18, 4)) as points
    from statused

)

select * from final
