-- 贡献价值评价 指标得分明细. Grain: scheme_code × period × perf_dept_code × indicator_code.
-- weighted_score = normalised_score × weight (6 dp); formulas in _contribution__models.yml.
with normalised as (

    select * from {{ ref('int_contribution__normalised') }}

),

departments as (

    select perf_dept_code, perf_dept_name, dept_category
    from {{ ref('dim_department') }}

),

indicators as (

    select indicator_code, decimals, integer_digits
    from {{ ref('contribution_indicators') }}

),

final as (

    select
        cast(n.scheme_code as varchar(20))                                   as scheme_code,
        cast(n.scheme_name as varchar(100))                                  as scheme_name,
        cast(n.dept_attribute as varchar(20))                                as dept_attribute,
        cast(n.scheme_score as decimal(9, 4))                                as scheme_score,
        cast(n.normalisation as varchar(20))                                 as normalisation,
        cast(n.period as varchar(7))                                         as period,
        cast(n.perf_dept_code as varchar(20))                                as perf_dept_code,
        cast(d.perf_dept_name as varchar(100))                               as perf_dept_name,
        cast(d.dept_category as varchar(20))                                 as dept_category,
        cast(n.indicator_code as varchar(20))                                as indicator_code,
        cast(n.indicator_name as varchar(50))                                as indicator_name,
        cast(n.metric_code as varchar(50))                                   as metric_code,
        cast(n.direction as varchar(10))                                     as direction,
        cast(i.decimals as integer)                                          as decimals,
        cast(i.integer_digits as integer)                                    as integer_digits,
        cast(n.weight as decimal(9, 4))                                      as weight,
        cast(n.floor_value as decimal(18, 6))                                as floor_value,
        cast(n.cap_value as decimal(18, 6))                                  as cap_value,
        cast(n.metric_value as decimal(18, 6))                               as metric_value,
        cast(n.value as decimal(18, 6))                                      as value,
        cast(n.is_clamped as boolean)                                        as is_clamped,
        cast(n.value_status as varchar(10))                                  as value_status,
        cast(n.valued_dept_count as integer)                                 as valued_dept_count,
        cast(n.normalised_score as decimal(18, 6))                           as normalised_score,
        cast(round(n.normalised_score * n.weight, 6) as decimal(18, 6))      as weighted_score
    from normalised as n
    left join departments as d
        on d.perf_dept_code = n.perf_dept_code
    left join indicators as i
        on i.indicator_code = n.indicator_code

)

select * from final
