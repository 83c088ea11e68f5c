{#-
    kpi_score_interval 区间法 — linear between a baseline (0 points) and a best value (full points).

        score = points × clamp((actual − baseline) / (best − baseline), 0, 1)

    Direction-aware by construction: for lower-better indicators best < baseline, so the fraction
    still rises as actual improves. Below the baseline → 0; beyond best → full points (the
    interval itself caps; cap_score / floor_score still apply afterwards). The direction column is
    only consulted when best = baseline; a data test checks it agrees with best vs baseline.
    Edge cases:
      * best = baseline (zero-width interval): full points if actual reaches best in the right
        direction (higher-better: actual ≥ best; lower-better: actual ≤ best), else 0.
      * baseline or best NULL → score NULL, status 缺目标 (set by the model); actual NULL → 缺数.
-#}
{% macro kpi_score_interval(actual, baseline, best, points, direction) -%}
    case
        when {{ best }} <> {{ baseline }} then
            {{ points }} * least(greatest(
                ({{ actual }} - {{ baseline }}) / nullif({{ best }} - {{ baseline }}, 0), 0), 1)
        when {{ direction }} = 'higher' then case when {{ actual }} >= {{ best }} then {{ points }} else 0 end
        when {{ direction }} = 'lower' then case when {{ actual }} <= {{ best }} then {{ points }} else 0 end
    end
{%- endmacro %}
