{#- jx_clean_name(expr): an item name reduced for similarity matching — lower case, without spaces and
    the usual Chinese/ASCII punctuation (portable: nested replace, no engine-specific regex classes). -#}
{% macro jx_clean_name(expr) -%}
    {%- set chars = [' ', '　', '(', ')', '（', '）', '[', ']', '【', '】', ',', '，', '、', '.', '。', ':', '：', ';', '；', '/', '-', '—', '+', '"', '“', '”'] -%}
    {%- set ns = namespace(sql='lower(' ~ expr ~ ')') -%}
    {%- for c in chars -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ c ~ "', '')" -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}
