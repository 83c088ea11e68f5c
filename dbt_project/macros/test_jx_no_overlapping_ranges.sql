{#- Generic test: within each partition, [effective_from, effective_to] ranges (inclusive; NULL end = open) do not overlap. -#}
{% test jx_no_overlapping_ranges(model, partition_by, from_column='effective_from', to_column='effective_to') %}
select a.*
from {{ model }} as a
join {{ model }} as b
    on {% for c in partition_by %}a.{{ c }} = b.{{ c }} and {% endfor %}
       a.{{ from_column }} < b.{{ from_column }}
       and b.{{ from_column }} <= {{ jx_open_end('a.' ~ to_column) }}
{% endtest %}
