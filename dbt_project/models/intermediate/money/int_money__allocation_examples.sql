{#-
    Worked examples of macro allocate_cents (最大余数法): one group per rule, literal rows only (no
    upstream yet). The unit tests in _money__models.yml set var money_allocation_example to one
    group_key, so each test runs the macro on that group alone; a normal build keeps every group.
    group_allocated_total (Σ allocated_amount per group) lets the data tests check Σ = pool.
-#}
{%- set only_example = var('money_allocation_example', none) -%}

with example_rows as (

    -- a: 100.00 over 1, 1, 1 (rows listed out of key order on purpose)
    select cast('a_thirds' as varchar(30)) as group_key, cast('C' as varchar(10)) as row_key,
           cast(100.00 as decimal(18, 2)) as pool, cast(1 as decimal(18, 6)) as weight
    union all select 'a_thirds', 'A', cast(100.00 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'a_thirds', 'B', cast(100.00 as decimal(18, 2)), cast(1 as decimal(18, 6))

    -- b: 10.00 over 2, 1
    union all select 'b_two_to_one', 'A', cast(10.00 as decimal(18, 2)), cast(2 as decimal(18, 6))
    union all select 'b_two_to_one', 'B', cast(10.00 as decimal(18, 2)), cast(1 as decimal(18, 6))

    -- c: 0.05 over six rows of 1
    union all select 'c_five_cents', 'A', cast(0.05 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'c_five_cents', 'B', cast(0.05 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'c_five_cents', 'C', cast(0.05 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'c_five_cents', 'D', cast(0.05 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'c_five_cents', 'E', cast(0.05 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'c_five_cents', 'F', cast(0.05 as decimal(18, 2)), cast(1 as decimal(18, 6))

    -- d: −100.00 over 1, 2
    union all select 'd_negative', 'A', cast(-100.00 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'd_negative', 'B', cast(-100.00 as decimal(18, 2)), cast(2 as decimal(18, 6))

    -- e: 1.00 over three rows of weight 0 (Σ weight = 0 → equal shares)
    union all select 'e_zero_weights', 'A', cast(1.00 as decimal(18, 2)), cast(0 as decimal(18, 6))
    union all select 'e_zero_weights', 'B', cast(1.00 as decimal(18, 2)), cast(0 as decimal(18, 6))
    union all select 'e_zero_weights', 'C', cast(1.00 as decimal(18, 2)), cast(0 as decimal(18, 6))

    -- f: a single row
    union all select 'f_single_row', 'A', cast(1234.56 as decimal(18, 2)), cast(0.5 as decimal(18, 6))

    -- g: 1.00 over 1, 2, 4 — the largest remainder is not the first key
    union all select 'g_largest_remainder', 'A', cast(1.00 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'g_largest_remainder', 'B', cast(1.00 as decimal(18, 2)), cast(2 as decimal(18, 6))
    union all select 'g_largest_remainder', 'C', cast(1.00 as decimal(18, 2)), cast(4 as decimal(18, 6))

    -- h: zero pool
    union all select 'h_zero_pool', 'A', cast(0.00 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'h_zero_pool', 'B', cast(0.00 as decimal(18, 2)), cast(3 as decimal(18, 6))

    -- i: 0.10 over 0, 1, 1, 1 — a weight-0 row next to positive weights
    union all select 'i_zero_weight_row', 'A', cast(0.10 as decimal(18, 2)), cast(0 as decimal(18, 6))
    union all select 'i_zero_weight_row', 'B', cast(0.10 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'i_zero_weight_row', 'C', cast(0.10 as decimal(18, 2)), cast(1 as decimal(18, 6))
    union all select 'i_zero_weight_row', 'D', cast(0.10 as decimal(18, 2)), cast(1 as decimal(18, 6))

),

selected_rows as (

    select *
    from example_rows
    {%- if only_example is not none %}
    where group_key = '{{ only_example }}'
    {%- endif %}

),

allocated as (

    {{ allocate_cents('selected_rows', 'group_key', 'row_key', 'pool', 'weight') | indent(4) }}

)

select
    allocated.*,
    sum(allocated.allocated_amount) over (partition by allocated.group_key) as group_allocated_total
from allocated
