{#-
    kpi__ratio_score — the ratio formula shared by 目标参照法 (target_ratio) and 比较法 (comparison);
    it lives here once and both method macros call it.

        higher-better (越高越好): points × actual / reference
        lower-better  (越低越好): points × reference / actual

    Division by zero (ratio methods assume non-negative indicators):
      * the ratio's numerator and denominator are both 0 (actual = reference = 0)
            → the reference is met exactly → full points;
      * the ratio tends to +∞ (higher-better: reference = 0 < actual; lower-better: actual = 0 <
        reference) → cap_score when given (the cap would limit it anyway), else full points;
      * the ratio tends to −∞ (a negative value over a zero denominator)
            → floor_score when given, else 0.
    Every division is additionally wrapped in nullif(…, 0) so no engine can raise on it.
    NULL inputs give NULL (the model assigns the status).
-#}
{% macro kpi__ratio_score(actual, reference, points, direction, floor_score='null', cap_score='null') -%}
    case
        when {{ direction }} = 'higher' then
            case
                when {{ reference }} <> 0 then {{ points }} * {{ actual }} / nullif({{ reference }}, 0)
                when {{ actual }} > 0 then coalesce({{ cap_score }}, {{ points }})
                when {{ actual }} = 0 then {{ points }}
                when {{ actual }} < 0 then coalesce({{ floor_score }}, 0)
            end
        when {{ direction }} = 'lower' then
            case
                when {{ actual }} <> 0 then {{ points }} * {{ reference }} / nullif({{ actual }}, 0)
                when {{ reference }} > 0 then coalesce({{ cap_score }}, {{ points }})
                when {{ reference }} = 0 then {{ points }}
                when {{ reference }} < 0 then coalesce({{ floor_score }}, 0)
            end
    end
{%- endmacro %}
