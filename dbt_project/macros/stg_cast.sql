{#-
    stg_cast(column, kind): the one place where landed text becomes a warehouse type (staging only).
    Raw tables hold every source column as text (see connectors/warehouse.py), so the cast is
    explicit and identical on DuckDB and PostgreSQL. Empty strings become NULL.

    kinds: text, int, dec2 (money, DECIMAL(18,2), rounded half away from zero), dec4 (quantities and
    unit prices), ts, date, flag (1/0, Y/N, true/false, 是/否 → boolean), pseudo (salted hash).
-#}
{% macro stg_cast(column, kind) -%}
    {%- set value = "nullif(trim(" ~ column ~ "), '')" -%}
    {%- if kind == 'text' -%}
        {{ value }}
    {%- elif kind == 'int' -%}
        cast({{ value }} as integer)
    {%- elif kind == 'dec2' -%}
        cast(round(cast({{ value }} as decimal(24, 6)), 2) as decimal(18, 2))
    {%- elif kind == 'dec4' -%}
        cast(round(cast({{ value }} as decimal(24, 8)), 4) as decimal(18, 4))
    {%- elif kind == 'ts' -%}
        cast({{ value }} as timestamp)
    {%- elif kind == 'date' -%}
        cast(cast({{ value }} as timestamp) as date)
    {%- elif kind == 'flag' -%}
        case
            when lower({{ value }}) in ('1', 'y', 'yes', 'true', 't', '是') then true
            when lower({{ value }}) in ('0', 'n', 'no', 'false', 'f', '否') then false
        end
    {%- elif kind == 'pseudo' -%}
        {{ pseudonymise(value) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("stg_cast: unknown kind '" ~ kind ~ "' for column " ~ column) }}
    {%- endif -%}
{%- endmacro %}
