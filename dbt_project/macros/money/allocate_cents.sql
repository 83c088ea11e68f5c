{#-
    allocate_cents 分摊到分 — the one home of money allocation (最大余数法, largest-remainder method).

    Splits a money pool over the rows of each group in proportion to a weight so that the parts add
    up to the pool exactly, to the cent.

        allocate_cents(relation, group_by, order_key, pool_column, weight_column)

        relation       a CTE name (or a ref/Relation) to read from
        group_by       column name or list of names: one pool per group ([] = whole relation is one group)
        order_key      column name or list of names: the row key, unique within a group; breaks ties
        pool_column    the pool, the same on every row of the group, DECIMAL(18,2) (rounded to cents)
        weight_column  the weight, ≥ 0 (NULL counts as 0); used as DECIMAL(38,6)

    Returns a full statement, `select <relation>.*, allocated_amount from <relation> join …`: the
    input rows unchanged plus allocated_amount DECIMAL(18,2). Use it as the body of a CTE.

    Method, per group, in integer cents (A = |pool| × 100, w = weight, W = Σ w over the group):

        base_i      = floor(A × w_i / W)                       (exact floor, see below)
        remainder_i = A × w_i − base_i × W                      (∈ [0, W): the fraction × W, exact)
        leftover    = A − Σ base_i                              (an integer in [0, rows))
        cents_i     = base_i + 1   for the `leftover` rows with the largest remainder_i,
                                    ties broken by order_key ascending (NULL keys last)
                    = base_i       otherwise
        allocated_amount = sign(pool) × cents_i / 100           so Σ allocated_amount = pool exactly

    Rules:
      * Σ w = 0 (every weight 0 or NULL): equal shares — each row weighs 1, so W = number of rows;
        e.g. 1.00 over three rows → 0.34, 0.33, 0.33.
      * Negative pool: the magnitude |pool| is allocated as above and the sign restored, i.e.
        allocate(−P) = −allocate(P). The extra cents go to the same rows as for +P (largest
        remainder, then key), which makes those rows one cent MORE negative: −100.00 over weights
        1, 2 → −33.33, −66.67.
      * Zero pool: every row gets 0.00. One row: it gets the whole pool (whatever its weight).
      * A weight-0 row in a group with Σ w > 0 gets 0.00 (its remainder is 0, and fewer extra cents
        are handed out than there are rows with a positive remainder).
      * Pool NULL on any row of the group, or not identical on every row → allocated_amount NULL on
        the whole group (fail loudly through a not_null test rather than split an ambiguous pool).
      * Weights must be ≥ 0 (check that upstream); the parts still add up with negative weights as
        long as Σ w > 0, but the tie order is then meaningless.
      * (group, order_key) must be unique, or the tie-break is not deterministic. String keys sort
        by the engine's collation (DuckDB: bytes; PostgreSQL: the database collation); use codes
        such as 'D0101' whose order is the same under both.

    Exactness: all products are exact decimals (DuckDB DECIMAL(38, s), PostgreSQL numeric).
    DuckDB evaluates the one division A × w / W in double, PostgreSQL rounds it at ≥ 16 decimals;
    the floor is therefore corrected by ±1 with exact comparisons (base × W ≤ A × w < (base+1) × W),
    which makes it exact whenever the double error is below one cent, i.e. for |pool| up to about
    10^13 yuan. DuckDB raises an overflow error (never a silent wrong answer) if A × w exceeds
    DECIMAL(38,6).

    Portable SQL only: one aggregate subquery per group joined back on the group key (one row per
    group, so the join cannot fan out; NULL group keys match with IS NOT DISTINCT FROM), and window
    functions over plain expressions in the outer select.
-#}
{% macro allocate_cents(relation, group_by, order_key, pool_column, weight_column) -%}
    {%- set group_cols = [group_by] if group_by is string else (group_by | list) -%}
    {%- set key_cols = [order_key] if order_key is string else (order_key | list) -%}
    {%- if key_cols | length == 0 -%}
        {{ exceptions.raise_compiler_error("allocate_cents: order_key must name at least one column") }}
    {%- endif -%}

    {#- The weight exactly as used per row; Σ w is summed from the same values so Σ shares = A. -#}
    {%- set row_weight = "cast(coalesce(" ~ weight_column ~ ", 0) as decimal(38, 6))" -%}
    {#- Group-level values (from the aggregate subquery _alloc_grp). -#}
    {%- set cents = "_alloc_grp._alloc_cents" -%}
    {%- set divisor = "_alloc_grp._alloc_divisor" -%}
    {#- Row-level exact numerator A × w (w = 1 for every row when Σ w = 0). -#}
    {%- set numerator -%}
        ({{ cents }} * case when _alloc_grp._alloc_equal_shares then cast(1 as decimal(38, 6))
                            else cast(coalesce(_alloc_row.{{ weight_column }}, 0) as decimal(38, 6)) end)
    {%- endset -%}
    {#- floor(A × w / W), possibly off by one from the inexact division … -#}
    {%- set approx_base -%}
        cast(floor({{ numerator }} / {{ divisor }}) as decimal(38, 0))
    {%- endset -%}
    {#- … corrected with exact comparisons. -#}
    {%- set base -%}
        ({{ approx_base }}
            - case when {{ approx_base }} * {{ divisor }} > {{ numerator }} then 1 else 0 end
            + case when ({{ approx_base }} + 1) * {{ divisor }} <= {{ numerator }} then 1 else 0 end)
    {%- endset -%}
    {%- set remainder -%}
        ({{ numerator }} - {{ base }} * {{ divisor }})
    {%- endset -%}
    {%- set partition -%}
        {%- if group_cols | length > 0 -%}
        partition by {% for c in group_cols %}_alloc_row.{{ c }}{{ ", " if not loop.last }}{% endfor %}
        {%- endif -%}
    {%- endset -%}

select
    _alloc_row.*,
    cast(
        _alloc_grp._alloc_sign * (
            {{ base }}
            + case
                when row_number() over (
                        {{ partition }}
                        order by {{ remainder }} desc,
                                 {% for k in key_cols %}_alloc_row.{{ k }} asc nulls last{{ ", " if not loop.last }}{% endfor %}
                     )
                     <= {{ cents }} - sum({{ base }}) over ({{ partition }})
                then 1 else 0
              end
        ) * 0.01
    as decimal(18, 2)) as allocated_amount
from {{ relation }} as _alloc_row
inner join (
    select
        {%- for c in group_cols %}
        {{ c }} as _alloc_g{{ loop.index }},
        {%- endfor %}
        case
            when count({{ pool_column }}) = count(*) and min({{ pool_column }}) = max({{ pool_column }})
                then cast(round(abs(min({{ pool_column }})) * 100) as decimal(38, 0))
        end as _alloc_cents,
        case when min({{ pool_column }}) < 0 then -1 else 1 end as _alloc_sign,
        coalesce(sum({{ row_weight }}), 0) = 0 as _alloc_equal_shares,
        case
            when coalesce(sum({{ row_weight }}), 0) = 0 then cast(count(*) as decimal(38, 6))
            else cast(sum({{ row_weight }}) as decimal(38, 6))
        end as _alloc_divisor
    from {{ relation }}
    {%- if group_cols | length > 0 %}
    group by {{ group_cols | join(", ") }}
    {%- endif %}
) as _alloc_grp
    on {% for c in group_cols -%}
        _alloc_row.{{ c }} is not distinct from _alloc_grp._alloc_g{{ loop.index }}{{ "\n        and " if not loop.last }}
    {%- else -%}
        1 = 1
    {%- endfor %}
{%- endmacro %}
