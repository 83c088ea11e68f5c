{#-
    kpi_score_bands 多区间法 / 分段法 — the score of the band that contains actual.

        score = band.score  where band.band_set = indicator's band_set
                             and (lower_bound is NULL or actual ≥ lower_bound)   -- inclusive, NULL = −∞
                             and (upper_bound is NULL or actual <  upper_bound)  -- exclusive, NULL = +∞

    Bands come from seed kpi_score_bands; the score is the band's score as written (not scaled by
    points). kpi_band_contains is the join condition; kpi_score_bands the score expression.
    Edge cases:
      * band_set NULL → score NULL, status 缺目标.
      * no band of the set contains actual (a gap, or an unknown band_set) → score NULL, status 无分段.
      * actual NULL → score NULL, status 缺数 (a NULL actual never matches a band).
      * exactly on a boundary → the band whose lower_bound it equals (lower inclusive, upper exclusive).
-#}
{% macro kpi_band_contains(actual, lower_bound, upper_bound) -%}
    ({{ lower_bound }} is null or {{ actual }} >= {{ lower_bound }})
    and ({{ upper_bound }} is null or {{ actual }} < {{ upper_bound }})
{%- endmacro %}

{% macro kpi_score_bands(band_score) -%}
    {{ band_score }}
{%- endmacro %}
