{#-
    kpi_score_target_ratio 目标参照法 — score against a target value.

        higher-better (越高越好): score = points × actual / target
        lower-better  (越低越好): score = points × target / actual

    Hitting the target exactly earns full points (满分); over-achievement earns proportionally more,
    usually limited by cap_score (封顶). Formula shared with 比较法 via kpi__ratio_score.
    Edge cases:
      * target = 0, higher-better: actual > 0 → cap_score (else full points); actual = 0 → full
        points; actual < 0 → floor_score (else 0).
      * actual = 0, lower-better: target > 0 → cap_score (else full points) — nothing could be
        better; target = 0 → full points.
      * target = 0, lower-better, actual > 0 → points × 0 / actual = 0 (the formula itself).
      * target NULL (or points / direction missing) → score NULL, status 缺目标 (set by the model).
      * actual NULL → score NULL, status 缺数 (never 0).
-#}
{% macro kpi_score_target_ratio(actual, target, points, direction, floor_score='null', cap_score='null') -%}
    {{ kpi__ratio_score(actual, target, points, direction, floor_score, cap_score) }}
{%- endmacro %}
