{#-
    kpi_score_plus_minus 加减分法 — start from full points, add or deduct per step of deviation.

        deviation = actual − reference                  (deviation_kind 'difference' 差值)
                  = actual − reference                  ('increment' 增量: the same arithmetic, but
                                                         reference is the previous period's value)
                  = (actual − reference) / reference    ('growth_rate' 增长率, a fraction: 0.05 = 5%)
        score     = points + direction_sign × (deviation / step) × per_step_score
        direction_sign = +1 higher-better (越高越好), −1 lower-better (越低越好)

    Exact division: deviation / step is NOT floored to whole steps — half a step earns half the
    per-step score (每超/每降 1 个步长 加/减 per_step_score, pro rata). Results are usually bounded by
    floor_score / cap_score (极值).
    Edge cases:
      * growth_rate with reference = 0 (growth from a zero base is undefined): actual = 0 → full
        points (no change); otherwise the deviation is ±∞ in the sign of direction_sign × actual:
        favourable → cap_score (else full points), unfavourable → floor_score (else 0).
      * step must be > 0; step ≤ 0 or NULL, a NULL reference / per_step_score / points, or an unknown
        deviation_kind → score NULL, status 缺目标 (set by the model).
      * actual NULL → score NULL, status 缺数.
-#}
{% macro kpi_score_plus_minus(actual, reference, points, direction, deviation_kind, step, per_step_score,
                              floor_score='null', cap_score='null') -%}
    {%- set sign -%}(case when {{ direction }} = 'lower' then -1 else 1 end){%- endset -%}
    case
        when {{ deviation_kind }} in ('difference', 'increment') then
            {{ points }} + {{ sign }} * ({{ actual }} - {{ reference }}) / nullif({{ step }}, 0) * {{ per_step_score }}
        when {{ deviation_kind }} = 'growth_rate' then
            case
                when {{ reference }} <> 0 then
                    {{ points }} + {{ sign }} * (({{ actual }} - {{ reference }}) / nullif({{ reference }}, 0))
                        / nullif({{ step }}, 0) * {{ per_step_score }}
                when {{ actual }} = 0 then {{ points }}
                when {{ sign }} * {{ actual }} > 0 then coalesce({{ cap_score }}, {{ points }})
                else coalesce({{ floor_score }}, 0)
            end
    end
{%- endmacro %}
