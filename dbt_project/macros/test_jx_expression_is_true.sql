{#- Generic test: every row satisfies `expression` (rows where it is false or NULL fail). -#}
{% test jx_expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
