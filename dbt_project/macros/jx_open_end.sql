{#- jx_open_end(expr): an effective-dated row's inclusive end, with an empty effective_to meaning
    "still in force" (9999-12-31). The one home of that convention for every effective-dated seed. -#}
{% macro jx_open_end(expr) -%}
    coalesce({{ expr }}, cast('9999-12-31' as date))
{%- endmacro %}
