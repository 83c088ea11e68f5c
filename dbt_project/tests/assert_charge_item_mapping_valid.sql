-- 确认对照校验: each HIS code is confirmed once, to a standard item that exists in the library.
select his_code, min(standard_code) as standard_code, 'his_code confirmed more than once' as problem
from {{ ref('charge_item_mapping') }}
group by his_code
having count(*) > 1

union all

select m.his_code, m.standard_code, 'standard_code not in the national library'
from {{ ref('charge_item_mapping') }} as m
left join {{ ref('stg_reference__national_service_items') }} as n on n.item_code = m.standard_code
where n.item_code is null
