{#-
    kpi_score_threshold 达标法 — all or (almost) nothing.

        met   = actual ≥ threshold (higher-better 越高越好) | actual ≤ threshold (lower-better 越低越好)
        score = points if met, else coalesce(partial_points, 0)

    The threshold itself counts as met (inclusive).
    Edge cases: threshold NULL → score NULL, status 缺目标; partial_points NULL → 0;
    actual NULL → score NULL, status 缺数 (never 0).
-#}
{% macro kpi_score_threshold(actual, threshold, points, direction, partial_points='null') -%}
    case
        when ({{ direction }} = 'higher' and {{ actual }} >= {{ threshold }})
          or ({{ direction }} = 'lower' and {{ actual }} <= {{ threshold }})
            then {{ points }}
        else coalesce({{ partial_points }}, 0)
    end
{%- endmacro %}
