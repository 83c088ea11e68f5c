{#- Generic test: the combination of `columns` is unique (we ship no dbt packages, so no dbt_utils). -#}
{% test jx_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as duplicate_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
