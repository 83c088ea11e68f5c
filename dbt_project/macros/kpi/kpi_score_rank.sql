{#-
    kpi_score_rank 排名法 — by position among peer departments.

        peer_rank  = rank() among departments of the same peer_group, period and indicator_code,
                     best first (higher-better: actual descending; lower-better: ascending)
        peer_count = number of those departments with a non-NULL actual
        score      = points × (peer_count − peer_rank) / (peer_count − 1)

    Standard competition ranking (rank(), "1224"): tied departments share the best rank of the tie
    and the next rank is skipped, so a tie never lowers anyone's score below what the worse of them
    alone would get, and the last place still scores 0. Departments without actual are not ranked
    and not counted (NULLS LAST keeps them out of the numbering on both engines).
    Edge cases: peer_count = 1 (a one-department peer group) → full points; all peers tied → all
    rank 1 → full points; peer_group NULL → no rank, status 缺目标; actual NULL → 缺数.
-#}
{% macro kpi_peer_rank(actual, direction, peer_group, partition_by=['period', 'indicator_code']) -%}
    case when {{ actual }} is not null and {{ peer_group }} is not null then
        rank() over (
            partition by {{ peer_group }}, {{ partition_by | join(', ') }}, {{ direction }}
            order by case when {{ direction }} = 'lower' then -({{ actual }}) else {{ actual }} end desc nulls last
        )
    end
{%- endmacro %}

{% macro kpi_peer_count(actual, direction, peer_group, partition_by=['period', 'indicator_code']) -%}
    case when {{ actual }} is not null and {{ peer_group }} is not null then
        count({{ actual }}) over (partition by {{ peer_group }}, {{ partition_by | join(', ') }}, {{ direction }})
    end
{%- endmacro %}

{% macro kpi_score_rank(peer_rank, peer_count, points) -%}
    case
        when {{ peer_count }} = 1 then {{ points }}
        else {{ points }} * ({{ peer_count }} - {{ peer_rank }}) / nullif({{ peer_count }} - 1, 0)
    end
{%- endmacro %}
