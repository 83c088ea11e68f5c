{#-
    service_item_base_points 项目基础点数 — the one home of the base-point formula.

        base_points = hr_value × (1 + α × tech_difficulty / 100 + β × risk_level / 100)

    hr_value is the national spec's 人力资源消耗 (labour input: staff mix × time), tech_difficulty
    技术难度 and risk_level 风险程度 are 0–100 scores. Labour is the base; difficulty and risk
    raise it proportionally (α, β from seed point_formula, effective-dated). Revenue never enters:
    national rules forbid tying pay to drug, consumable, test or exam revenue. An item without
    hr_value has no base points (NULL); a missing difficulty or risk counts as 0. Rounded to 4 dp.
-#}
{% macro service_item_base_points(hr_value, tech_difficulty, risk_level, alpha, beta) -%}
    case
        when {{ hr_value }} is null then null
        else cast(round(
            {{ hr_value }} * (1
                + {{ alpha }} * coalesce({{ tech_difficulty }}, 0) / 100
                + {{ beta }} * coalesce({{ risk_level }}, 0) / 100),
            4) as decimal(18, 4))
    end
{%- endmacro %}
