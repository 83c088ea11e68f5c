{#-
    jx_published(live, mart, columns): the published rows of a bonus mart (发布口径). For a period
    closed by `jixiao close` (an active row in bonus_ops.period_archive) the rows copied into
    bonus_archive.<mart> at close; for every other period the live rows. So no rerun of the pipeline
    changes an issued period's published results; `jixiao reopen` deactivates the archive.

        live     the relation with the live rows (a ref)
        mart     the mart's name = the archive table's name
        columns  the mart's column list (the archive has the same columns + archive_id)

    Before the first close the archive tables do not exist and the live rows are returned as they are
    (the relation lookup happens at run time; it is skipped while parsing).
-#}
{% macro jx_published(live, mart, columns) -%}
    {%- set archive = none -%}
    {%- set closures = none -%}
    {%- if execute -%}
        {%- set archive = adapter.get_relation(database=target.database, schema='bonus_archive', identifier=mart) -%}
        {%- set closures = adapter.get_relation(database=target.database, schema='bonus_ops', identifier='period_archive') -%}
    {%- endif -%}
    {%- set column_list = columns | join(', ') -%}
    {%- if archive is not none and closures is not none %}
    select {{ column_list }}
    from {{ live }}
    where period not in (select period from {{ closures }} where is_active)
    union all
    select {{ column_list }}
    from {{ archive }}
    where archive_id in (select archive_id from {{ closures }} where is_active)
    {%- else %}
    select {{ column_list }}
    from {{ live }}
    {%- endif %}
{%- endmacro %}
