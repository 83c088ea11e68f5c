-- Every charge line is split into at least one role: a split category without a rule in force
-- on the charge date would silently drop the line's points and amount.
select e.charge_line_id, e.split_category, e.charged_on
from {{ ref('int_charge_lines__enriched') }} as e
left join (select distinct charge_line_id from {{ ref('int_charge_lines__role_split') }}) as s
    on s.charge_line_id = e.charge_line_id
where s.charge_line_id is null
