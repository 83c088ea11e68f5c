-- 贡献价值排名. Grain: scheme_code × period × perf_dept_code. total_score = Σ weighted_score (4 dp);
-- contribution_rank = rank() over total_score desc within scheme × period (standard competition
-- ranking: ties share the rank, the next rank is skipped — 1, 2, 2, 4). Ranked on the rounded total.
with scores as (

    select * from {{ ref('fct_contribution_scores') }}

),

totals as (

    select
        scheme_code,
        scheme_name,
        scheme_score,
        period,
        perf_dept_code,
        perf_dept_name,
        round(sum(weighted_score), 4) as total_score,
        count(*) as indicator_count,
        sum(case when value_status = '缺数' then 1 else 0 end) as missing_indicator_count
    from scores
    group by scheme_code, scheme_name, scheme_score, period, perf_dept_code, perf_dept_name

),

final as (

    select
        cast(scheme_code as varchar(20))                                     as scheme_code,
        cast(scheme_name as varchar(100))                                    as scheme_name,
        cast(scheme_score as decimal(9, 4))                                  as scheme_score,
        cast(period as varchar(7))                                           as period,
        cast(perf_dept_code as varchar(20))                                  as perf_dept_code,
        cast(perf_dept_name as varchar(100))                                 as perf_dept_name,
        cast(total_score as decimal(18, 4))                                  as total_score,
        cast(rank() over (
            partition by scheme_code, period
            order by total_score desc
        ) as integer)                                                        as contribution_rank,
        cast(count(*) over (partition by scheme_code, period) as integer)    as dept_count,
        cast(indicator_count as integer)                                     as indicator_count,
        cast(missing_indicator_count as integer)                             as missing_indicator_count
    from totals

)

select * from final
