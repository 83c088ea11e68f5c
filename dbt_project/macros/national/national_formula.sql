{#-
  国考指标公式 (national indicator formulas) — the one place the four formula types are written.

  jx_national_numerator / jx_national_denominator(formula_type, n, d, n_base, d_base)
    n, d           : the period's numerator (numerator + plus − less components) and denominator
    n_base, d_base : the same for the comparison base (the same months one year earlier); used by growth types
    ratio            numerator = n,                      denominator = d
    filed_value      numerator = n,                      denominator = null (value = n)
    growth           numerator = n − n_base,             denominator = n_base
    growth_per_case  numerator = n/d − n_base/d_base,    denominator = n_base/d_base      (次均)
  jx_national_value(formula_type, numerator, denominator, scale): value = numerator ÷ denominator × scale,
    rounded to 4 decimals; filed_value = numerator; null when the denominator is 0 or null (never 0 for missing).
-#}
{% macro jx_safe_ratio(a, b) -%}
    (cast({{ a }} as decimal(24,8)) / nullif(cast({{ b }} as decimal(24,8)), 0))
{%- endmacro %}

{% macro jx_national_numerator(formula_type, n, d, n_base, d_base) -%}
    case {{ formula_type }}
        when 'ratio' then cast({{ n }} as decimal(24,8))
        when 'filed_value' then cast({{ n }} as decimal(24,8))
        when 'growth' then cast({{ n }} as decimal(24,8)) - cast({{ n_base }} as decimal(24,8))
        when 'growth_per_case' then {{ jx_safe_ratio(n, d) }} - {{ jx_safe_ratio(n_base, d_base) }}
    end
{%- endmacro %}

{% macro jx_national_denominator(formula_type, n, d, n_base, d_base) -%}
    case {{ formula_type }}
        when 'ratio' then cast({{ d }} as decimal(24,8))
        when 'filed_value' then cast(null as decimal(24,8))
        when 'growth' then cast({{ n_base }} as decimal(24,8))
        when 'growth_per_case' then {{ jx_safe_ratio(n_base, d_base) }}
    end
{%- endmacro %}

{% macro jx_national_value(formula_type, numerator, denominator, scale) -%}
    round(
        case
            when {{ formula_type }} = 'filed_value' then cast({{ numerator }} as decimal(24,8))
            else {{ jx_safe_ratio(numerator, denominator) }} * cast({{ scale }} as decimal(24,8))
        end,
        4
    )
{%- endmacro %}
