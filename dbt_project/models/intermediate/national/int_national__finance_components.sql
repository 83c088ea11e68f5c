-- 国考 / 经济管理监测指标要素 — finance (财务总账). Grain: one row per month (int_national__months) ×
-- component code below.
-- Flows from the department ledger (部门辅助总账 gl_accass, month = accounting period 1–12): revenue =
-- credit − debit, expense = debit − credit, over leaf accounts (会计科目 is_leaf; an account missing from
-- the chart counts as a leaf), 0 in a month without postings.
--   fin_medical_revenue           医疗收入 = 6001*
--   fin_op_revenue / fin_ip_revenue            门诊收入 600101* / 住院收入 600102*
--   fin_op_drug_revenue / fin_ip_drug_revenue  门诊 / 住院药品收入 = 60010110* / 60010210* (西药 1001, 中成药 1002,
--                                 中药饮片 1003)
--   fin_drug_revenue              药品收入 = 门诊 + 住院药品收入
--   fin_herb_revenue              中药饮片收入 = 6001011003 + 6001021003
--   fin_service_revenue           医疗服务收入 = 医疗收入 − 药品 − 卫生材料 (…09) − 检查 (…03) − 化验 (…04)
--   fin_fiscal_subsidy            财政拨款收入 = 6101*
--   fin_total_revenue             总收入 = all accounts of class 收入
--   fin_medical_activity_revenue  医疗活动收入 = 医疗收入 + 财政拨款收入
--   fin_medical_activity_expense  医疗活动费用 = 业务活动费用 5001*
--   fin_total_expense             总费用 = all accounts of class 费用
--   fin_personnel_expense         人员经费 = 500101*;  fin_energy_expense 能源费 = 500105*
-- Stocks from the account balances (科目总账 gl_accsum): month-end closing balance of each leaf account
-- (assets debit-positive, 1602 累计折旧 negative; liabilities credit-positive), the latest balance at or
-- before the month when an account has no row for the month (a balance carries over).
--   fin_total_assets       资产合计 = accounts of class 资产
--   fin_total_liabilities  负债合计 = accounts of class 负债
--   fin_fixed_assets_net   固定资产净值 = 1601 固定资产 + 1602 累计折旧
-- Account codes follow the demo chart of accounts (simulator/ledgers.py chart_of_accounts); they are
-- set once below.
{%- set acc = {
    'medical_revenue': '6001',
    'visit_revenue': ['600101', '600102'],
    'fiscal_subsidy': '6101',
    'activity_expense': '5001',
    'personnel_expense': '500101',
    'energy_expense': '500105',
    'fixed_assets': ['1601', '1602'],
} %}
{#- revenue sub-accounts under 门诊收入 / 住院收入, by suffix -#}
{%- set suffix = {'drug': '10', 'herb': '1003', 'exam': '03', 'lab': '04', 'consumable': '09'} %}
{#- under_visit[kind]: the condition "account is that sub-account of 门诊收入 or 住院收入" -#}
{%- set under_visit = {} %}
{%- for kind, sfx in suffix.items() %}
    {%- set conditions = [] %}
    {%- for a in acc.visit_revenue %}{% do conditions.append("account_code like '" ~ a ~ sfx ~ "%'") %}{% endfor %}
    {%- do under_visit.update({kind: '(' ~ (conditions | join(' or ')) ~ ')'}) %}
{%- endfor %}
{%- set components = [
    ('fin_medical_revenue', 'medical_revenue'),
    ('fin_op_revenue', 'op_revenue'),
    ('fin_ip_revenue', 'ip_revenue'),
    ('fin_op_drug_revenue', 'op_drug_revenue'),
    ('fin_ip_drug_revenue', 'ip_drug_revenue'),
    ('fin_drug_revenue', 'op_drug_revenue + ip_drug_revenue'),
    ('fin_herb_revenue', 'herb_revenue'),
    ('fin_service_revenue', 'medical_revenue - op_drug_revenue - ip_drug_revenue - consumable_revenue - exam_revenue - lab_revenue'),
    ('fin_fiscal_subsidy', 'fiscal_subsidy'),
    ('fin_total_revenue', 'total_revenue'),
    ('fin_medical_activity_revenue', 'medical_revenue + fiscal_subsidy'),
    ('fin_medical_activity_expense', 'activity_expense'),
    ('fin_total_expense', 'total_expense'),
    ('fin_personnel_expense', 'personnel_expense'),
    ('fin_energy_expense', 'energy_expense'),
    ('fin_total_assets', 'total_assets'),
    ('fin_total_liabilities', 'total_liabilities'),
    ('fin_fixed_assets_net', 'fixed_assets_net'),
] %}

with months as (

    select month_start from {{ ref('int_national__months') }}

),

accounts as (

    select account_code, account_class, is_leaf
    from {{ ref('stg_finance__accounts') }}

),

ledger as (

    select
        cast(
            cast(l.fiscal_year as varchar) || '-' || lpad(cast(l.fiscal_month as varchar), 2, '0') || '-01'
            as date
        ) as month_start,
        l.account_code,
        a.account_class,
        coalesce(l.credit_amount, 0) - coalesce(l.debit_amount, 0) as credit_net
    from {{ ref('stg_finance__dept_ledger') }} as l
    left join accounts as a
        on a.account_code = l.account_code
    where l.fiscal_month between 1 and 12
      and coalesce(a.is_leaf, true)

),

flow_totals as (

    select
        month_start,
        sum(case when account_code like '{{ acc.medical_revenue }}%' then credit_net else 0 end) as medical_revenue,
        sum(case when account_code like '{{ acc.visit_revenue[0] }}%' then credit_net else 0 end) as op_revenue,
        sum(case when account_code like '{{ acc.visit_revenue[1] }}%' then credit_net else 0 end) as ip_revenue,
        sum(case when account_code like '{{ acc.visit_revenue[0] }}{{ suffix.drug }}%' then credit_net else 0 end)
            as op_drug_revenue,
        sum(case when account_code like '{{ acc.visit_revenue[1] }}{{ suffix.drug }}%' then credit_net else 0 end)
            as ip_drug_revenue,
        sum(case when {{ under_visit.herb }} then credit_net else 0 end) as herb_revenue,
        sum(case when {{ under_visit.exam }} then credit_net else 0 end) as exam_revenue,
        sum(case when {{ under_visit.lab }} then credit_net else 0 end) as lab_revenue,
        sum(case when {{ under_visit.consumable }} then credit_net else 0 end) as consumable_revenue,
        sum(case when account_code like '{{ acc.fiscal_subsidy }}%' then credit_net else 0 end) as fiscal_subsidy,
        sum(case when account_class = '收入' then credit_net else 0 end) as total_revenue,
        sum(case when account_code like '{{ acc.activity_expense }}%' then -credit_net else 0 end) as activity_expense,
        sum(case when account_class = '费用' then -credit_net else 0 end) as total_expense,
        sum(case when account_code like '{{ acc.personnel_expense }}%' then -credit_net else 0 end) as personnel_expense,
        sum(case when account_code like '{{ acc.energy_expense }}%' then -credit_net else 0 end) as energy_expense
    from ledger
    group by month_start

),

balances as (

    select
        cast(
            cast(b.fiscal_year as varchar) || '-' || lpad(cast(b.fiscal_month as varchar), 2, '0') || '-01'
            as date
        ) as month_start,
        b.account_code,
        a.account_class,
        b.closing_balance
    from {{ ref('stg_finance__account_balances') }} as b
    left join accounts as a
        on a.account_code = b.account_code
    where b.fiscal_month between 1 and 12
      and coalesce(a.is_leaf, true)

),

-- each account's latest closing balance at or before the month
month_end_balances as (

    select
        m.month_start,
        b.account_code,
        b.account_class,
        b.closing_balance,
        row_number() over (
            partition by m.month_start, b.account_code
            order by b.month_start desc
        ) as balance_rank
    from months as m
    inner join balances as b
        on b.month_start <= m.month_start

),

stock_totals as (

    select
        month_start,
        sum(case when account_class = '资产' then closing_balance else 0 end) as total_assets,
        sum(case when account_class = '负债' then closing_balance else 0 end) as total_liabilities,
        sum(case
            when {% for a in acc.fixed_assets %}account_code like '{{ a }}%'{% if not loop.last %} or {% endif %}{% endfor %}
            then closing_balance else 0
        end) as fixed_assets_net
    from month_end_balances
    where balance_rank = 1
    group by month_start

),

monthly as (

    select
        m.month_start,
        coalesce(f.medical_revenue, 0) as medical_revenue,
        coalesce(f.op_revenue, 0) as op_revenue,
        coalesce(f.ip_revenue, 0) as ip_revenue,
        coalesce(f.op_drug_revenue, 0) as op_drug_revenue,
        coalesce(f.ip_drug_revenue, 0) as ip_drug_revenue,
        coalesce(f.herb_revenue, 0) as herb_revenue,
        coalesce(f.exam_revenue, 0) as exam_revenue,
        coalesce(f.lab_revenue, 0) as lab_revenue,
        coalesce(f.consumable_revenue, 0) as consumable_revenue,
        coalesce(f.fiscal_subsidy, 0) as fiscal_subsidy,
        coalesce(f.total_revenue, 0) as total_revenue,
        coalesce(f.activity_expense, 0) as activity_expense,
        coalesce(f.total_expense, 0) as total_expense,
        coalesce(f.personnel_expense, 0) as personnel_expense,
        coalesce(f.energy_expense, 0) as energy_expense,
        coalesce(s.total_assets, 0) as total_assets,
        coalesce(s.total_liabilities, 0) as total_liabilities,
        coalesce(s.fixed_assets_net, 0) as fixed_assets_net
    from months as m
    left join flow_totals as f on f.month_start = m.month_start
    left join stock_totals as s on s.month_start = m.month_start

),

final as (
    {% for code, expression in components %}
    select
        month_start,
        cast('{{ code }}' as varchar) as component_code,
        cast({{ expression }} as decimal(20, 4)) as component_value
    from monthly
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
