{#-
    pseudonymise(expr) 假名化: salted MD5 of a patient identifier (patient id, 病案号, 住院号, 挂号序号,
    就诊号), so marts can count and join patients and stays without holding the HIS ids. The salt is
    read at run time from the warehouse table jixiao_private.pseudonym_salt, which the pipeline writes
    before every dbt build (connectors/pseudonym_salt.py, from JIXIAO_PSEUDONYM_SALT or the random
    per-installation data/.pseudonym_salt). It is never inlined, so it appears in no dbt artefact
    (manifest, run_results, compiled SQL, dbt.log). Without that table the build stops with an error
    rather than hash without a salt.
-#}
{% macro pseudonymise(expr) -%}
    case when {{ expr }} is null then null
         else md5((select salt from jixiao_private.pseudonym_salt) || '|' || {{ expr }}) end
{%- endmacro %}
