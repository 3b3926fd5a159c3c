{#- One row per kept manual label (customer_id, label_name). -#}
select customer_id, label_name, label_value, labeled_at, labeled_by
from {{ ref('stg_manual_labels_checked') }}
where reject_reason is null
