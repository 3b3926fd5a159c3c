-- Fails with one row per contract table whose input rows are not exactly kept + rejected.
select source_table, input_rows, kept_rows, rejected_rows,
       input_rows - kept_rows - rejected_rows as unaccounted_rows
from {{ ref('stg_row_counts') }}
where input_rows <> kept_rows + rejected_rows
