{#-
    kpi_score 综合目标考核 评分 — dispatcher: a CASE over the method column that applies one method
    macro per row. Returns the raw score (before 极值 clamping); the model applies kpi_clamp after
    it and only evaluates this where kpi_score_status is 'ok'. Every argument is a column name or
    expression and defaults to the int_kpi__scoring_inputs column of the same meaning.

        method          macro                    formula
        target_ratio    kpi_score_target_ratio   points × actual / target   (lower-better: target / actual)
        plus_minus      kpi_score_plus_minus     points ± (deviation / step) × per_step_score
        interval        kpi_score_interval       points × clamp((actual − baseline) / (best − baseline), 0, 1)
        bands           kpi_score_bands          score of the band [lower, upper) containing actual
        comparison      kpi_score_comparison     points × actual / reference (lower-better: reference / actual)
        threshold       kpi_score_threshold      points if met else partial_points
        actual_value    kpi_score_actual_value   actual × factor
        rank            kpi_score_rank           points × (peer_count − peer_rank) / (peer_count − 1)

    An unknown method gives NULL (status 缺目标).
-#}
{% macro kpi_score(method='method', actual='actual', direction='direction', points='points',
                   target='target', baseline='baseline', best='best', reference='reference_value',
                   deviation_kind='deviation_kind', step='step', per_step_score='per_step_score',
                   threshold='threshold', partial_points='partial_points', factor='factor',
                   band_score='band_score', peer_rank='peer_rank', peer_count='peer_count',
                   floor_score='floor_score', cap_score='cap_score') -%}
    case {{ method }}
        when 'target_ratio' then {{ kpi_score_target_ratio(actual, target, points, direction, floor_score, cap_score) }}
        when 'plus_minus' then {{ kpi_score_plus_minus(actual, reference, points, direction, deviation_kind, step, per_step_score, floor_score, cap_score) }}
        when 'interval' then {{ kpi_score_interval(actual, baseline, best, points, direction) }}
        when 'bands' then {{ kpi_score_bands(band_score) }}
        when 'comparison' then {{ kpi_score_comparison(actual, reference, points, direction, floor_score, cap_score) }}
        when 'threshold' then {{ kpi_score_threshold(actual, threshold, points, direction, partial_points) }}
        when 'actual_value' then {{ kpi_score_actual_value(actual, factor) }}
        when 'rank' then {{ kpi_score_rank(peer_rank, peer_count, points) }}
    end
{%- endmacro %}


{#-
    kpi_score_status 评分状态 — why a row has (or lacks) a score. Checked in this order:
      '缺数'   actual is NULL (any method) — missing data is never scored 0;
      '缺目标' the method is unknown/NULL, or a parameter the method requires is missing or invalid:
                 target_ratio  target, points, direction
                 plus_minus    reference_value, points, direction, step (> 0), per_step_score,
                               deviation_kind in (difference, increment, growth_rate)
                 interval      baseline, best, points, direction
                 bands         band_set
                 comparison    reference_value, points, direction
                 threshold     threshold, points, direction
                 actual_value  (nothing)
                 rank          peer_group, points, direction
      '无分段' bands: no band of band_set contains actual (matched band_no is NULL);
      'ok'     otherwise.
    floor_score, cap_score, partial_points and factor are optional everywhere.
-#}
{% macro kpi_score_status(method='method', actual='actual', direction='direction', points='points',
                          target='target', baseline='baseline', best='best', reference='reference_value',
                          deviation_kind='deviation_kind', step='step', per_step_score='per_step_score',
                          threshold='threshold', band_set='band_set', band_no='band_no',
                          peer_group='peer_group') -%}
    {%- set no_dir -%}not ({{ kpi__valid_direction(direction) }}){%- endset -%}
    case
        when {{ actual }} is null then '缺数'
        when {{ method }} is null
          or {{ method }} not in ('target_ratio', 'plus_minus', 'interval', 'bands', 'comparison',
                                  'threshold', 'actual_value', 'rank') then '缺目标'
        when {{ method }} = 'target_ratio'
         and ({{ target }} is null or {{ points }} is null or {{ no_dir }}) then '缺目标'
        when {{ method }} = 'plus_minus'
         and ({{ reference }} is null or {{ points }} is null or {{ no_dir }}
              or {{ step }} is null or {{ step }} <= 0 or {{ per_step_score }} is null
              or coalesce({{ deviation_kind }}, '') not in ('difference', 'increment', 'growth_rate')) then '缺目标'
        when {{ method }} = 'interval'
         and ({{ baseline }} is null or {{ best }} is null or {{ points }} is null or {{ no_dir }}) then '缺目标'
        when {{ method }} = 'bands' and {{ band_set }} is null then '缺目标'
        when {{ method }} = 'bands' and {{ band_no }} is null then '无分段'
        when {{ method }} = 'comparison'
         and ({{ reference }} is null or {{ points }} is null or {{ no_dir }}) then '缺目标'
        when {{ method }} = 'threshold'
         and ({{ threshold }} is null or {{ points }} is null or {{ no_dir }}) then '缺目标'
        when {{ method }} = 'rank'
         and ({{ peer_group }} is null or {{ points }} is null or {{ no_dir }}) then '缺目标'
        else 'ok'
    end
{%- endmacro %}


{#-
    kpi_weighted_score 加权得分 — the indicator's contribution to the scheme score.

        weighted_score = score × weight / points   (4 dp)

    weight is the indicator's share of the scheme's total (权重, e.g. 15 of 100); points is the
    indicator's own full marks (满分), so score / points is the achievement fraction. NULL when score
    is NULL or points is NULL/0.
-#}
{% macro kpi_weighted_score(score='score', weight='weight', points='points') -%}
    cast(round({{ score }} * {{ weight }} / nullif({{ points }}, 0), 4) as decimal(18, 4))
{%- endmacro %}
