-- 国考指标要素 — HIS drugs and charges, all encounters (门诊 + 住院). Grain: one row per month
-- (int_national__months) × component code below; 0 when nothing happened.
-- Prescription lines (处方明细, month = prescription month):
--   drug_amount_total          药品金额 = Σ line amount
--   drug_amount_essential      基本药物金额 = lines whose drug_name is in the 国家基本药物目录
--   drug_amount_vbp_selected   集采中选药品金额 = lines whose drug_name is a 中选 (is_selected) row of the VBP list
--   drug_amount_vbp_generic    同种药品金额 = lines whose drug_name is in the VBP list under a generic name that
--                              has a 中选 product in force (中选 and non-中选 products of the same generic)
--   drug_amount_key_monitored  重点监控化学药品和生物制品金额 = lines whose drug_name contains a generic_name of
--                              the 重点监控合理用药药品目录
-- Charge lines (收费明细, month = charge month; refund lines are negative and subtract):
--   consumable_amount_total          卫生材料收入 = lines of fee categories whose revenue_class is 卫生材料
--                                    (seed fee_category_policy: 09 材料费)
--   consumable_amount_key_monitored  重点监控高值医用耗材收入 = lines whose charge_item_code is in the
--                                    重点治理高值医用耗材 list
--   tcm_service_amount               中医医疗服务项目收入 = lines whose charge_item_code starts with a code_prefix
--                                    of the 中医医疗服务项目 list
-- Code lists apply on the prescription / charge date.
{%- set components = [
    ('drug_amount_total', 'drug_amount_total'),
    ('drug_amount_essential', 'drug_amount_essential'),
    ('drug_amount_vbp_selected', 'drug_amount_vbp_selected'),
    ('drug_amount_vbp_generic', 'drug_amount_vbp_generic'),
    ('drug_amount_key_monitored', 'drug_amount_key_monitored'),
    ('consumable_amount_total', 'consumable_amount_total'),
    ('consumable_amount_key_monitored', 'consumable_amount_key_monitored'),
    ('tcm_service_amount', 'tcm_service_amount'),
] %}

with months as (

    select month_start from {{ ref('int_national__months') }}

),

prescription_lines as (

    select
        prescription_line_id,
        drug_name,
        amount,
        cast(prescribed_at as date) as prescribed_on,
        {{ jx_month_start('prescribed_at') }} as month_start
    from {{ ref('stg_his__prescription_lines') }}
    where prescribed_at is not null

),

essential_drugs as (

    select drug_name, effective_from, effective_to
    from {{ ref('stg_reference__essential_drugs') }}

),

vbp_drugs as (

    select drug_name, generic_name, is_selected, effective_from, effective_to
    from {{ ref('stg_reference__vbp_drugs') }}

),

key_monitored_drugs as (

    select generic_name, effective_from, effective_to
    from {{ ref('stg_reference__key_monitored_drugs') }}
    where generic_name is not null

),

prescription_lines_flagged as (

    select
        p.month_start,
        p.amount,
        case when exists (
            select 1 from essential_drugs as e
            where e.drug_name = p.drug_name
              and p.prescribed_on between e.effective_from and {{ jx_open_end('e.effective_to') }}
        ) then 1 else 0 end as is_essential,
        case when exists (
            select 1 from vbp_drugs as v
            where v.drug_name = p.drug_name
              and v.is_selected
              and p.prescribed_on between v.effective_from and {{ jx_open_end('v.effective_to') }}
        ) then 1 else 0 end as is_vbp_selected,
        case when exists (
            select 1
            from vbp_drugs as v
            inner join vbp_drugs as s
                on s.generic_name = v.generic_name
               and s.is_selected
               and p.prescribed_on between s.effective_from and {{ jx_open_end('s.effective_to') }}
            where v.drug_name = p.drug_name
              and p.prescribed_on between v.effective_from and {{ jx_open_end('v.effective_to') }}
        ) then 1 else 0 end as is_vbp_generic,
        case when exists (
            select 1 from key_monitored_drugs as k
            where {{ dbt.position('k.generic_name', 'p.drug_name') }} > 0
              and p.prescribed_on between k.effective_from and {{ jx_open_end('k.effective_to') }}
        ) then 1 else 0 end as is_key_monitored
    from prescription_lines as p

),

drug_totals as (

    select
        month_start,
        sum(amount) as drug_amount_total,
        sum(case when is_essential = 1 then amount else 0 end) as drug_amount_essential,
        sum(case when is_vbp_selected = 1 then amount else 0 end) as drug_amount_vbp_selected,
        sum(case when is_vbp_generic = 1 then amount else 0 end) as drug_amount_vbp_generic,
        sum(case when is_key_monitored = 1 then amount else 0 end) as drug_amount_key_monitored
    from prescription_lines_flagged
    group by month_start

),

charge_lines as (

    select
        charge_line_id,
        charge_item_code,
        fee_category_code,
        amount,
        cast(charged_at as date) as charged_on,
        {{ jx_month_start('charged_at') }} as month_start
    from {{ ref('stg_his__charge_lines') }}
    where charged_at is not null

),

fee_policy as (

    select fee_category_code, revenue_class
    from {{ ref('fee_category_policy') }}

),

key_monitored_consumables as (

    select charge_item_code, effective_from, effective_to
    from {{ ref('stg_reference__key_monitored_consumables') }}

),

tcm_items as (

    select code_prefix, effective_from, effective_to
    from {{ ref('stg_reference__tcm_service_items') }}
    where code_prefix is not null

),

charge_lines_flagged as (

    select
        l.month_start,
        l.amount,
        case when f.revenue_class = '卫生材料' then 1 else 0 end as is_consumable,
        case when exists (
            select 1 from key_monitored_consumables as k
            where k.charge_item_code = l.charge_item_code
              and l.charged_on between k.effective_from and {{ jx_open_end('k.effective_to') }}
        ) then 1 else 0 end as is_key_monitored_consumable,
        case when exists (
            select 1 from tcm_items as t
            where substr(l.charge_item_code, 1, length(t.code_prefix)) = t.code_prefix
              and l.charged_on between t.effective_from and {{ jx_open_end('t.effective_to') }}
        ) then 1 else 0 end as is_tcm_service
    from charge_lines as l
    left join fee_policy as f
        on f.fee_category_code = l.fee_category_code

),

charge_totals as (

    select
        month_start,
        sum(case when is_consumable = 1 then amount else 0 end) as consumable_amount_total,
        sum(case when is_key_monitored_consumable = 1 then amount else 0 end) as consumable_amount_key_monitored,
        sum(case when is_tcm_service = 1 then amount else 0 end) as tcm_service_amount
    from charge_lines_flagged
    group by month_start

),

monthly as (

    select
        m.month_start,
        d.drug_amount_total,
        d.drug_amount_essential,
        d.drug_amount_vbp_selected,
        d.drug_amount_vbp_generic,
        d.drug_amount_key_monitored,
        c.consumable_amount_total,
        c.consumable_amount_key_monitored,
        c.tcm_service_amount
    from months as m
    left join drug_totals as d on d.month_start = m.month_start
    left join charge_totals as c on c.month_start = m.month_start

),

final as (
    {{ jx_national_unpivot(components) }}

)

select * from final
