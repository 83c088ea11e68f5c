{#-
    kpi_score_actual_value 实际值法 — the measured value is the score.

        score = actual × coalesce(factor, 1)

    Used for count-like indicators (e.g. 每篇论文 2 分: factor 2), normally with a cap_score (封顶).
    Edge cases: factor NULL → 1; a negative actual stays negative unless floor_score is set;
    actual NULL → score NULL, status 缺数. No required parameter, so never 缺目标.
-#}
{% macro kpi_score_actual_value(actual, factor='null') -%}
    {{ actual }} * coalesce({{ factor }}, 1)
{%- endmacro %}
