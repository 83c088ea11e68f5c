{#-
    pseudonymise(expr) 假名化: salted MD5 of a patient identifier, so marts can count distinct
    patients without holding the HIS id. The salt comes from JIXIAO_PSEUDONYM_SALT; the jixiao
    command creates a random one per installation (data/.pseudonym_salt) when it is not set.
    Without a salt dbt stops with an error rather than hash without one.
-#}
{% macro pseudonymise(expr) -%}
    case when {{ expr }} is null then null
         else md5('{{ env_var("JIXIAO_PSEUDONYM_SALT") }}' || '|' || {{ expr }}) end
{%- endmacro %}
