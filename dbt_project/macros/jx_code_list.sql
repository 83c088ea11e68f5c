{#-
    jx_code_list(list_name, columns): the rows of a 编码目录 (code list, docs/national.md "Code lists"),
    typed. The hospital's own list raw_reference.code_list__<list_name> (loaded by
    `jixiao reference load`, text columns) when that table exists and has rows, else the shipped seed
    code_list__<list_name> (dbt_project/seeds/national/code_lists/).

        list_name  e.g. 'surgery_grades'
        columns    ordered mapping column → kind of stg_cast ('text', 'int', 'dec4', 'flag', 'date');
                   edition (text), effective_from (date) and effective_to (date) are added

    The raw table is looked up at run time (adapter.get_relation, skipped while parsing), so the model
    compiles and runs before any hospital list was loaded; the seed is always a dependency. Both
    branches are cast to the same types, so the union is the same on DuckDB and PostgreSQL.
-#}
{% macro jx_code_list(list_name, columns) -%}
    {%- set all_columns = dict(columns) -%}
    {%- do all_columns.update({'edition': 'text', 'effective_from': 'date', 'effective_to': 'date'}) -%}
    {%- set sql_types = {'text': 'varchar', 'int': 'integer', 'dec4': 'decimal(18, 4)', 'flag': 'boolean',
                         'date': 'date'} -%}
    {%- set raw = none -%}
    {%- if execute -%}
        {%- set raw = adapter.get_relation(database=target.database, schema='raw_reference',
                                           identifier='code_list__' ~ list_name) -%}
    {%- endif -%}
    {%- if raw is not none %}
    with loaded as (

        select
            {%- for column, kind in all_columns.items() %}
            cast({{ stg_cast(column, kind) }} as {{ sql_types[kind] }}) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ raw }}

    ),

    seeded as (

        select
            {%- for column, kind in all_columns.items() %}
            cast({{ column }} as {{ sql_types[kind] }}) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ ref('code_list__' ~ list_name) }}

    )

    select * from loaded
    union all
    select * from seeded
    where not exists (select 1 from loaded)
    {%- else %}
    select
        {%- for column, kind in all_columns.items() %}
        cast({{ column }} as {{ sql_types[kind] }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('code_list__' ~ list_name) }}
    {%- endif %}
{%- endmacro %}
