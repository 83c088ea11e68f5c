{#-
    kpi_clamp 极值 (floor / cap) — bound a score to [floor, cap].

        clamp(x) = cap    when cap is given and x > cap
                 = floor  when floor is given and x < floor
                 = x      otherwise

    A NULL floor or cap means "no bound on that side"; a NULL x stays NULL. Written as a plain CASE
    (not least/greatest) so NULL bounds behave identically on DuckDB and PostgreSQL. If a
    misconfigured row has floor > cap, the cap wins (it is checked first); the model's data test
    flags such rows.
-#}
{% macro kpi_clamp(expr, floor, cap) -%}
    case
        when {{ expr }} is null then null
        when {{ cap }} is not null and {{ expr }} > {{ cap }} then {{ cap }}
        when {{ floor }} is not null and {{ expr }} < {{ floor }} then {{ floor }}
        else {{ expr }}
    end
{%- endmacro %}


{#- kpi__valid_direction: true when direction is 'higher' (越高越好) or 'lower' (越低越好); false on NULL. -#}
{% macro kpi__valid_direction(direction) -%}
    coalesce({{ direction }}, '') in ('higher', 'lower')
{%- endmacro %}
