-- 综合目标考核 指标得分. Grain: perf_dept_code × period × indicator_code.
-- Every formula lives in macros/kpi (kpi_score dispatches on method); this model only wires inputs,
-- the band lookup and the peer ranking to them, then clamps (极值) and weights.
with inputs as (

    select * from {{ ref('int_kpi__scoring_inputs') }}

),

bands as (

    select band_set, band_no, lower_bound, upper_bound, score as band_score
    from {{ ref('kpi_score_bands') }}

),

-- 分段法: the band of the indicator's band_set whose [lower_bound, upper_bound) contains actual.
banded as (

    select
        inputs.*,
        bands.band_no,
        bands.band_score
    from inputs
    left join bands
        on inputs.method = 'bands'
       and bands.band_set = inputs.band_set
       and {{ kpi_band_contains('inputs.actual', 'bands.lower_bound', 'bands.upper_bound') }}

),

-- 排名法: rank among the peer group (computed for every method; only 'rank' scores by it).
ranked as (

    select
        banded.*,
        {{ kpi_peer_rank('actual', 'direction', 'peer_group') }} as peer_rank,
        {{ kpi_peer_count('actual', 'direction', 'peer_group') }} as peer_count
    from banded

),

statused as (

    select
        ranked.*,
        {{ kpi_score_status() }} as score_status
    from ranked

),

raw_scored as (

    select
        statused.*,
        case when score_status = 'ok'
            then cast(round({{ kpi_score() }}, 4) as decimal(18, 4))
        end as raw_score
    from statused

),

clamped as (

    select
        raw_scored.*,
        cast({{ kpi_clamp('raw_score', 'floor_score', 'cap_score') }} as decimal(18, 4)) as score
    from raw_scored

),

final as (

    select
        perf_dept_code,
        period,
        indicator_code,
        scheme_code,
        peer_group,
        method,
        direction,
        points,
        weight,
        floor_score,
        cap_score,
        actual,
        target,
        target_source,
        baseline,
        best,
        reference_value,
        deviation_kind,
        step,
        per_step_score,
        threshold,
        partial_points,
        factor,
        band_set,
        band_no,
        peer_rank,
        peer_count,
        raw_score,
        score,
        score_status,
        {{ kpi_weighted_score('score', 'weight', 'points') }} as weighted_score
    from clamped

)

select * from final
