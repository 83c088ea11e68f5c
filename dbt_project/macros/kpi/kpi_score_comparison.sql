{#-
    kpi_score_comparison 比较法 — score against a historical reference (上年同期 same period last
    year, or 上年平均 last year's average), passed in as reference.

        higher-better (越高越好): score = points × actual / reference
        lower-better  (越低越好): score = points × reference / actual

    Matching last year earns full points; improving on it earns proportionally more. The scheme
    normally sets cap_score (e.g. 1.2 × points) to limit the reward. Formula shared with 目标参照法
    via kpi__ratio_score.
    Edge cases:
      * reference = 0, higher-better: actual > 0 → cap_score (else full points); actual = 0 → full
        points; actual < 0 → floor_score (else 0).
      * actual = 0, lower-better: reference > 0 → cap_score (else full points); reference = 0 → full
        points. reference = 0 with actual > 0, lower-better → 0 (the formula).
      * reference NULL → score NULL, status 缺目标; actual NULL → score NULL, status 缺数.
-#}
{% macro kpi_score_comparison(actual, reference, points, direction, floor_score='null', cap_score='null') -%}
    {{ kpi__ratio_score(actual, reference, points, direction, floor_score, cap_score) }}
{%- endmacro %}
