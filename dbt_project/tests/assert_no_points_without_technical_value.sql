-- Drugs, consumables, beds and registration carry 0 points: pay may not be tied to drug or
-- consumable revenue (国家规定：不得将医务人员收入与药品、卫生材料、检查、化验等业务收入挂钩).
select charge_line_id, role, fee_category_code, points
from {{ ref('fct_charge_line_points') }}
where (not has_technical_value or fee_category_code in (
        select fee_category_code from {{ ref('fee_category_policy') }} where not has_technical_value
      ))
  and points <> 0
