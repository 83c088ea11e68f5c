{#-
    pseudonymise(expr) 假名化: salted MD5 of a patient identifier (patient id, 病案号, 住院号, 挂号序号,
    就诊号), so marts can count and join patients and stays without holding the HIS ids. The salt is
    read at run time from the warehouse table jixiao_private.pseudonym_salt, which the pipeline writes
    before every dbt build (connectors/pseudonym_salt.py, from JIXIAO_PSEUDONYM_SALT or the random
    per-installation data/.pseudonym_salt). It is never inlined, so it appears in no dbt artefact
    (manifest, run_results, compiled SQL, dbt.log). Unless that table holds exactly one salt of at
    least 16 characters the build stops here, rather than hash without a salt (md5 of NULL would turn
    every identifier into NULL and silently empty every join).
-#}
{% macro pseudonymise(expr) -%}
    {%- if execute -%}
        {%- set check = run_query("select count(*) from jixiao_private.pseudonym_salt where length(salt) >= 16") -%}
        {%- set salts = check.columns[0].values()[0] if check is not none else 0 -%}
        {%- if salts != 1 -%}
            {{ exceptions.raise_compiler_error(
                "jixiao_private.pseudonym_salt must hold exactly one salt (found " ~ salts ~ "): run the pipeline"
                ~ " through jixiao/Dagster, or write it with connectors.pseudonym_salt.ensure_pseudonym_salt") }}
        {%- endif -%}
    {%- endif -%}
    case when {{ expr }} is null then null
         else md5((select salt from jixiao_private.pseudonym_salt) || '|' || {{ expr }}) end
{%- endmacro %}
