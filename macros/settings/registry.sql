{#- The settings registry: every var of the project, declared once with its default, type,
    allowed range and a one-line doc. Everything reads it: validate_vars() at the start of
    every run, the macro setting(name) wherever SQL needs a value, the model build_settings
    (the values a build used, which the Python models read), and docs/vars.md, generated
    from it (`make docs-vars`; a test fails when the page and this file differ).

    The text between the set/endset lines is plain YAML, so Python reads the same text
    (customer_activation.settings). Entry keys: name, group, type (text, date, integer,
    number, boolean, choice, list, mapping), default, doc; min / max for numbers; choices for
    a choice; items (number or text) and length for a list. A date is YYYY-MM-DD or empty. -#}
{% macro settings_registry(by_name=false) %}
{%- set registry_yaml -%}
# ---- where the data comes from -----------------------------------------------------------
- name: raw_data_path
  group: sources
  type: text
  default: ""
  doc: 'A folder with one file (or folder of files) per contract table: <table>.parquet, <table>.csv, <table>.csv.gz or <table>/*.parquet|*.csv. Empty = not used.'
- name: raw_schema
  group: sources
  type: text
  default: ""
  doc: 'Tables already in the warehouse, in this schema (used when raw_data_path is empty).'
- name: raw_database
  group: sources
  type: text
  default: ""
  doc: 'The database holding raw_schema (empty = the target''s).'
- name: demo_data_path
  group: sources
  type: text
  default: data/demo
  doc: 'The generated demo data (`make demo-data` writes it), read when neither raw_data_path nor raw_schema is set.'
- name: spark_raw_files_schema
  group: sources
  type: text
  default: raw_files
  doc: 'On Spark, the schema where the raw files are registered as external tables.'

# ---- parsing -------------------------------------------------------------------------------
- name: csv_delimiter
  group: parsing
  type: text
  default: ","
  doc: 'The field delimiter of the raw CSV files (set, never guessed).'
- name: csv_header
  group: parsing
  type: boolean
  default: true
  doc: 'The first line of every CSV file holds the column names. false = the columns are in contract order.'
- name: csv_quote
  group: parsing
  type: text
  default: '"'
  doc: 'The quote character of the raw CSV files (empty = no quoting).'
- name: csv_escape
  group: parsing
  type: text
  default: '"'
  doc: 'The character that escapes a quote inside a quoted field (the quote itself by default: "").'
- name: csv_comment
  group: parsing
  type: text
  default: ""
  doc: 'A character that starts a comment line (empty = none: a line starting with # is data, as in Shopify order ids).'
- name: csv_encoding
  group: parsing
  type: choice
  choices: [utf-8, latin-1, utf-16]
  default: utf-8
  doc: 'The text encoding of the raw CSV files.'
- name: decimal_separator
  group: parsing
  type: choice
  choices: [".", ","]
  default: "."
  doc: 'The decimal separator of numbers in the raw text. With "," thousands are grouped by "." or spaces (1.234,56); with "." by "," (1,234.56).'
- name: date_order
  group: parsing
  type: choice
  choices: [auto, dmy, mdy, ymd]
  default: auto
  doc: 'The order of day, month and year in numeric dates such as 03/01/2024. auto = decided per column from the values whose day is above 12; values that conflict are rejected (ambiguous_date).'
- name: case_insensitive_ids
  group: parsing
  type: boolean
  default: false
  doc: 'Ids (every *_id column) compare case-insensitively: C0002 and c0002 are one customer.'
- name: null_tokens
  group: parsing
  type: list
  items: text
  default: ["null", "\\n", "n/a", "#n/a", "na", "nan", "none", "nil", "0000-00-00", "0000-00-00 00:00:00"]
  doc: 'Texts that mean "no value" in any column (compared trimmed and lower-case), besides blank.'
- name: timestamp_formats
  group: parsing
  type: list
  items: text
  default: ["%Y%m%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y"]
  doc: 'Further timestamp formats (strptime syntax) tried when a value is neither ISO 8601 nor a numeric date like 03/01/2024 (date_order decides those).'
- name: order_statuses
  group: parsing
  type: list
  items: text
  default: [completed, cancelled, returned]
  doc: 'Order statuses accepted; completed orders are revenue, cancelled and returned ones are kept without spend. Others are rejected (unknown_status).'
- name: default_order_status
  group: parsing
  type: text
  default: completed
  doc: 'The status assumed when the orders file has no status column at all.'
- name: reject_zero_price
  group: parsing
  type: boolean
  default: true
  doc: 'Reject order lines with a unit price of 0 (reason zero_price).'

# ---- time ------------------------------------------------------------------------------------
- name: as_of_date
  group: time
  type: date
  default: ""
  doc: 'The date everything is computed as of (YYYY-MM-DD). Empty = the latest order date that is not in the future. Later rows are rejected (after_as_of_date).'
- name: min_valid_date
  group: time
  type: date
  default: "1990-01-01"
  doc: 'Rows dated before this are implausible and rejected (before_min_date).'
- name: label_horizon_days
  group: time
  type: integer
  min: 1
  max: 3650
  default: 90
  doc: 'Distance between the feature dates (scoring, training, backtest) and the length of the label window.'
- name: incremental_lookback_days
  group: time
  type: integer
  min: 0
  max: 36500
  default: 7
  doc: 'An incremental build stages the new orders, lines and events dated on or after as_of_date minus this many days (docs/refresh.md).'
- name: refit_models
  group: time
  type: boolean
  default: true
  doc: 'false = keep the last label-model fit and imputation evaluation and only score (daily runs; docs/refresh.md).'
- name: random_seed
  group: time
  type: integer
  min: 0
  max: 4294967295
  default: 42
  doc: 'The seed of every sample, split and model.'

# ---- orders, RFM and features ----------------------------------------------------------------
- name: rfm_window_days
  group: features
  type: integer
  min: 0
  max: 36500
  default: 0
  doc: 'Frequency and monetary count the last N days up to the feature date (0 = all history).'
- name: rfm_score_bins
  group: features
  type: integer
  min: 2
  max: 100
  default: 5
  doc: 'RFM scores run 1..N (quantiles among buyers).'
- name: trend_window_days
  group: features
  type: integer
  min: 1
  max: 3650
  default: 90
  doc: 'Recent against previous spend and orders, over windows of this length.'
- name: default_response_window_days
  group: features
  type: integer
  min: 1
  max: 3650
  default: 30
  doc: 'The response window of a campaign that gives none.'
- name: feature_recent_days
  group: features
  type: integer
  min: 1
  max: 3650
  default: 90
  doc: 'The "recent" window of the event features.'
- name: feature_event_types
  group: features
  type: list
  items: text
  default: [view, click, cart, login, coupon_claim]
  doc: 'Event types counted as features.'
- name: feature_onehot_attributes
  group: features
  type: list
  items: text
  default: [gender, age_band, region, acquisition_channel, member_tier]
  doc: 'Attributes one-hot encoded in the feature vectors.'
- name: feature_max_onehot_values
  group: features
  type: integer
  min: 1
  max: 1000
  default: 10
  doc: 'One-hot columns per attribute (the most frequent values; the rest are "other").'
- name: feature_max_categories
  group: features
  type: integer
  min: 1
  max: 1000
  default: 20
  doc: 'interest_<category> columns in the feature vectors (the most bought categories).'
- name: feature_min_training_rows
  group: features
  type: integer
  min: 1
  max: 1000000000
  default: 30
  doc: 'With fewer training-date rows, the scaling is fitted on the scoring population.'

# ---- interests -------------------------------------------------------------------------------
- name: interest_weight_spend
  group: interests
  type: number
  min: 0
  max: 1000000
  default: 2.0
  doc: 'Purchase points per ln(1 + line amount).'
- name: interest_weight_quantity
  group: interests
  type: number
  min: 0
  max: 1000000
  default: 1.0
  doc: 'Purchase points per unit bought.'
- name: interest_event_weights
  group: interests
  type: mapping
  default: {view: 0.5, click: 1.0, cart: 2.0}
  doc: 'Points per event of each type; other event types are no interest signal.'
- name: interest_long_half_life_days
  group: interests
  type: number
  min: 1
  max: 36500
  default: 180
  doc: 'Half-life of the long-term affinity.'
- name: interest_short_half_life_days
  group: interests
  type: number
  min: 1
  max: 36500
  default: 30
  doc: 'Half-life of the short-term affinity.'
- name: interest_recent_days
  group: interests
  type: integer
  min: 1
  max: 36500
  default: 90
  doc: 'A stable interest must still be present in this window.'
- name: interest_top_k
  group: interests
  type: integer
  min: 1
  max: 1000
  default: 3
  doc: 'Top interests kept per customer.'
- name: interest_stable_min_share
  group: interests
  type: number
  min: 0
  max: 1
  default: 0.15
  doc: 'The minimum long-term share of a stable interest.'

# ---- circles ---------------------------------------------------------------------------------
- name: circle_link_types
  group: circles
  type: list
  items: text
  length: 1
  default: [referral, household, group, social, unspecified]
  doc: 'Link types that make circles.'
- name: circle_link_weights
  group: circles
  type: mapping
  default: {}
  doc: '{link_type: weight > 0}, 1 for types not listed; weights only decide the circle kind.'
- name: circle_max_iterations
  group: circles
  type: integer
  min: 1
  max: 200
  default: 20
  doc: 'Label-propagation passes; wider components are flagged is_converged = false.'
- name: circle_referrer_column
  group: circles
  type: choice
  choices: [customer_id, linked_customer_id]
  default: linked_customer_id
  doc: 'The end of a referral link that made the referral.'
- name: circle_active_days
  group: circles
  type: integer
  min: 1
  max: 36500
  default: 90
  doc: 'An active member has a completed order less than N days before the feature date.'
- name: circle_lapsed_days
  group: circles
  type: integer
  min: 1
  max: 36500
  default: 180
  doc: 'A lapsed member has had no completed order for more than N days, or never.'
- name: circle_growth_days
  group: circles
  type: integer
  min: 1
  max: 36500
  default: 90
  doc: 'A new member was first seen less than N days before the feature date.'
- name: circle_high_value_multiple
  group: circles
  type: number
  min: 0
  max: 1000
  default: 2
  doc: 'A high-value circle has a median monetary of at least N times the population median (and above 0).'
- name: circle_dormant_share
  group: circles
  type: number
  min: 0
  max: 1
  default: 0.6
  doc: 'A dormant circle has at least this share of lapsed members.'
- name: circle_growing_share
  group: circles
  type: number
  min: 0
  max: 1
  default: 0.2
  doc: 'A growing circle has at least this share of new members.'
- name: circle_active_share
  group: circles
  type: number
  min: 0
  max: 1
  default: 0.6
  doc: 'An active circle has at least this share of active members.'
- name: circle_top_interests
  group: circles
  type: integer
  min: 1
  max: 100
  default: 3
  doc: 'Dominant interests listed per circle.'
- name: circle_top_segments
  group: circles
  type: list
  items: text
  length: 1
  default: [Champions, Loyal]
  doc: 'RFM segments counted as a circle''s top customers.'
- name: circle_at_risk_segments
  group: circles
  type: list
  items: text
  length: 1
  default: [At Risk, Cannot Lose Them, Lost]
  doc: 'RFM segments counted as a circle''s customers at risk or lost.'

# ---- rule labels and label models ------------------------------------------------------------
- name: lifecycle_new_days
  group: labels
  type: integer
  min: 1
  max: 36500
  default: 60
  doc: 'The lifecycle rule''s "new": first order less than N days before the feature date.'
- name: lifecycle_dormant_days
  group: labels
  type: integer
  min: 1
  max: 36500
  default: 90
  doc: 'The lifecycle rule''s "dormant": no order for more than N days.'
- name: lifecycle_lost_days
  group: labels
  type: integer
  min: 1
  max: 36500
  default: 180
  doc: 'The lifecycle rule''s "lost": no order for more than N days.'
- name: lifecycle_decline_ratio
  group: labels
  type: number
  min: 0
  max: 1
  default: 0.5
  doc: 'The lifecycle rule''s "declining": recent spend below this share of the previous window''s.'
- name: label_classes
  group: labels
  type: mapping
  default: {churn_risk: [retained, churned], lifecycle_stage: [new, active, declining, dormant, lost], value_tier: [low, medium, high]}
  doc: 'The classes of each label model, in the order their probabilities are reported.'
- name: label_model_regularisation_c
  group: labels
  type: number
  min: 0.000001
  max: 1000000
  default: 1.0
  doc: 'Inverse L2 strength of the label models'' logistic regression.'
- name: label_model_manual_weight
  group: labels
  type: number
  min: 0
  max: 1000000
  default: 3.0
  doc: 'Training weight of a manual label against a rule label.'
- name: label_model_max_training_rows
  group: labels
  type: integer
  min: 1
  max: 1000000000
  default: 100000
  doc: 'Training sample cap (seeded, stratified).'
- name: label_model_min_training_rows
  group: labels
  type: integer
  min: 1
  max: 1000000000
  default: 50
  doc: 'With fewer training rows there is no model (the status says why).'
- name: label_model_min_class_rows
  group: labels
  type: integer
  min: 1
  max: 1000000000
  default: 10
  doc: 'Classes with fewer training rows are left out of a model.'
- name: label_model_compare_gradient_boosting
  group: labels
  type: boolean
  default: true
  doc: 'Fit the gradient-boosting challenger and report it in the metrics table.'
- name: label_model_comparison_max_rows
  group: labels
  type: integer
  min: 1
  max: 1000000000
  default: 50000
  doc: 'Training sample cap of the challenger.'
- name: label_model_max_evaluation_rows
  group: labels
  type: integer
  min: 1
  max: 1000000000
  default: 200000
  doc: 'Holdout rows the metrics are computed on (seeded, stratified; the same rows for every model and baseline).'
- name: label_model_calibration_share
  group: labels
  type: number
  min: 0
  max: 0.9
  default: 0.2
  doc: 'Share of a label model''s training sample held out to calibrate it (temperature and bias after the prior correction; 0 = prior correction only).'
- name: label_model_selection_margin
  group: labels
  type: number
  min: 0
  max: 10
  default: 0.01
  doc: 'Holdout log loss (nats) by which the challenger must beat the logistic regression to be published, and any published model the majority class.'
- name: churn_risk_thresholds
  group: labels
  type: list
  items: number
  default: [0.3, 0.6]
  doc: 'Churn probabilities from which a customer is medium and high risk (two increasing numbers).'
- name: purchase_model_max_training_rows
  group: labels
  type: integer
  min: 1
  max: 1000000000
  default: 100000
  doc: 'The purchase model (BG/NBD, Gamma-Gamma) is fitted on a seeded uniform sample of at most this many customers per feature date; every customer is scored.'
- name: purchase_model_min_training_rows
  group: labels
  type: integer
  min: 2
  max: 1000000000
  default: 50
  doc: 'With fewer customers with a completed order there is no BG/NBD model, with fewer repeat customers no Gamma-Gamma model (the status says which).'
- name: clv_horizon_days
  group: labels
  type: integer
  min: 1
  max: 36500
  default: 365
  doc: 'The purchase model''s CLV counts the spend expected in the next N days.'
- name: clv_annual_discount_rate
  group: labels
  type: number
  min: 0
  max: 10
  default: 0.1
  doc: 'Yearly rate the CLV discounts future spend at: (1 + rate)^(-days / 365), per step of 30 days.'

# ---- similarity: imputation and look-alikes -------------------------------------------------
- name: imputation_attributes
  group: similarity
  type: list
  items: text
  default: [gender, birth_year, city, region, member_tier]
  doc: 'Customer attributes imputed from similar customers when missing (stg_customers columns).'
- name: imputation_attribute_kinds
  group: similarity
  type: mapping
  default: {}
  doc: '{attribute: categorical | numeric} for attributes whose kind is not the default (birth_year numeric, the rest categorical).'
- name: imputation_exclude_features
  group: similarity
  type: mapping
  default: {gender: [gender], birth_year: [age_years, age_missing, age_band], city: [city, region], region: [city, region], member_tier: [member_tier]}
  doc: 'Features left out when imputing an attribute (a feature named p or p__<value>) — the attribute itself and what gives it away.'
- name: imputation_k
  group: similarity
  type: integer
  min: 1
  max: 100000
  default: 30
  doc: 'Neighbours that vote on an imputed value.'
- name: imputation_max_donors
  group: similarity
  type: integer
  min: 1
  max: 1000000000
  default: 10000
  doc: 'Donor sample cap per attribute (seeded).'
- name: imputation_circle_weight
  group: similarity
  type: number
  min: 0
  max: 1
  default: 0.5
  doc: 'Share of the vote given to members of the customer''s circle.'
- name: imputation_mask_share
  group: similarity
  type: number
  min: 0.001
  max: 0.999
  default: 0.2
  doc: 'Share of known values hidden to measure the imputation''s accuracy.'
- name: imputation_max_masked
  group: similarity
  type: integer
  min: 1
  max: 1000000000
  default: 20000
  doc: 'Cap on the hidden values per attribute.'
- name: imputation_fallback
  group: similarity
  type: choice
  choices: [baseline, none]
  default: baseline
  doc: 'When no imputation candidate (kNN vote, circle vote, supervised model) beats the mode / median on the masked known values: fill with the baseline, or leave the value unknown (none).'
- name: lookalike_audiences
  group: similarity
  type: mapping
  default: {champions: "rfm_segment = 'Champions'", high_value_at_risk: "rfm_segment in ('At Risk', 'Cannot Lose Them')"}
  doc: 'Seed audiences for look-alikes: name -> SQL filter over int_customer_features at the scoring date (lists of ids go in seed lookalike_seed_customers).'
- name: lookalike_feature_groups
  group: similarity
  type: list
  items: text
  default: [explicit, behaviour, interest, circle]
  doc: 'Feature groups the look-alike similarity uses.'
- name: lookalike_method
  group: similarity
  type: choice
  choices: [knn, centroid]
  default: knn
  doc: 'knn (mean similarity to the nearest seeds) or centroid (similarity to the seeds'' mean vector).'
- name: lookalike_top_n
  group: similarity
  type: integer
  min: 1
  max: 1000000000
  default: 1000
  doc: 'Look-alikes kept per audience.'
- name: lookalike_tag_top_n
  group: similarity
  type: integer
  min: 0
  max: 1000000000
  default: 200
  doc: 'The best N look-alikes of each audience become profile tags.'
- name: lookalike_k
  group: similarity
  type: integer
  min: 1
  max: 100000
  default: 10
  doc: 'Nearest seeds averaged by the knn method.'
- name: lookalike_max_seeds
  group: similarity
  type: integer
  min: 1
  max: 1000000000
  default: 50000
  doc: 'Seeds above this cap are sampled (seeded).'
- name: lookalike_shortlist_seeds
  group: similarity
  type: integer
  min: 0
  max: 1000000000
  default: 2000
  doc: 'knn first scores every customer against a sample of this many seeds (0 = exhaustive).'
- name: lookalike_shortlist_factor
  group: similarity
  type: integer
  min: 1
  max: 100000
  default: 20
  doc: 'The best factor × lookalike_top_n of the shortlist are scored against all seeds.'

# ---- profile history -------------------------------------------------------------------------
- name: migration_from_date
  group: profile
  type: date
  default: ""
  doc: 'The earlier snapshot date fct_profile_migrations compares (empty = the second-last refresh).'
- name: migration_to_date
  group: profile
  type: date
  default: ""
  doc: 'The later snapshot date fct_profile_migrations compares (empty = the last refresh).'

# ---- campaigns -------------------------------------------------------------------------------
- name: campaign_pilot_share
  group: campaigns
  type: number
  min: 0
  max: 1
  default: 0.1
  doc: 'The planned pilot share when a plan (seed campaign_plans) leaves it empty.'
- name: campaign_control_share
  group: campaigns
  type: number
  min: 0
  max: 1
  default: 0.2
  doc: 'The planned control share when a plan leaves it empty; also the planned split of observed campaigns without a plan (SRM check).'
- name: campaign_srm_alpha
  group: campaigns
  type: number
  min: 0.0000001
  max: 0.5
  default: 0.001
  doc: 'Sample-ratio-mismatch flag threshold (p-value).'
- name: campaign_pre_window_days
  group: campaigns
  type: integer
  min: 0
  max: 3650
  default: 0
  doc: 'Length of the before window of the before/after metrics (0 = as long as the after window).'
- name: campaign_post_window_days
  group: campaigns
  type: integer
  min: 0
  max: 3650
  default: 0
  doc: 'Length of the after window (0 = the campaign''s response_window_days).'
- name: campaign_confidence
  group: campaigns
  type: number
  min: 0.5
  max: 0.9999
  default: 0.95
  doc: 'The level of every confidence interval of the campaign loop.'
- name: campaign_n_boot
  group: campaigns
  type: integer
  min: 100
  max: 100000
  default: 2000
  doc: 'Bootstrap resamples.'
- name: campaign_bootstrap_max_n
  group: campaigns
  type: integer
  min: 10
  max: 1000000000
  default: 20000
  doc: 'Larger arms get order-statistic quantile intervals instead of the bootstrap.'
- name: campaign_gate_min_n
  group: campaigns
  type: integer
  min: 1
  max: 1000000000
  default: 10
  doc: 'The pilot gate decides only with at least this many treated pilot customers.'
- name: campaign_gate_tolerance
  group: campaigns
  type: number
  min: 0
  max: 1
  default: 0.0
  doc: 'The pilot passes when the predicted rate lies within the observed interval widened by this much.'
- name: campaign_mde
  group: campaigns
  type: number
  min: 0.0001
  max: 0.9
  default: 0.05
  doc: 'Minimum detectable effect of the recommended pilot size.'
- name: campaign_power
  group: campaigns
  type: number
  min: 0.5
  max: 0.9999
  default: 0.8
  doc: 'Power of the recommended pilot size.'
- name: campaign_gate_severity
  group: campaigns
  type: choice
  choices: [error, warn]
  default: error
  doc: 'A rollout that ignores a failed pilot gate fails the build (error) or is only reported (warn).'
- name: campaign_gate_require_pilot
  group: campaigns
  type: boolean
  default: false
  doc: 'A rollout without any pilot fails the gate test too.'
- name: campaign_gate_use_overrides
  group: campaigns
  type: boolean
  default: true
  doc: 'An override recorded in seed campaign_gate_overrides lets a rollout pass the gate test.'
- name: campaign_response_model_c
  group: campaigns
  type: number
  min: 0.000001
  max: 1000000
  default: 1.0
  doc: 'Inverse L2 strength of the response model.'
- name: campaign_response_model_min_rows
  group: campaigns
  type: integer
  min: 2
  max: 1000000000
  default: 50
  doc: 'With fewer labelled contacts there is no response model.'
- name: campaign_segment_min_n
  group: campaigns
  type: integer
  min: 1
  max: 1000000
  default: 5
  doc: 'The smallest arm for which a segment effect is tested.'
- name: frequency_cap_campaigns
  group: campaigns
  type: integer
  min: 0
  max: 1000
  default: 0
  doc: 'Contact fatigue: no customer is in more than this many campaigns of one channel within frequency_cap_days (contacts of observed campaigns and planned assignments, either arm, count); a planned audience member over the cap is suppressed (frequency_cap) before assignment. 0 = no cap.'
- name: frequency_cap_days
  group: campaigns
  type: integer
  min: 1
  max: 3650
  default: 30
  doc: 'The window of the frequency cap: contacts on or after as_of_date - (this - 1) days count, with every planned assignment.'
- name: campaign_uplift_top_k
  group: campaigns
  type: number
  min: 0.01
  max: 1
  default: 0.2
  doc: 'The top share of a ranking whose uplift campaign_uplift_metrics reports (uplift at top k).'
- name: campaign_audience_ranking
  group: campaigns
  type: choice
  choices: [response, uplift]
  default: response
  doc: 'What ranks the next audience (campaign_assignments): the response model''s P(outcome | treated), or the uplift model''s P(outcome | treated) - P(outcome | control) (falls back to response without an uplift model).'
- name: campaign_currency
  group: campaigns
  type: text
  default: "EUR"
  doc: 'The currency of order revenue and costs, shown with every amount of campaign_summary and the report.'
{%- endset -%}
{{ return(cached_settings(registry_yaml)['by_name' if by_name else 'entries']) }}
{% endmacro %}

{#- The registry parsed once per dbt invocation (invocation_memo): {'entries': [...],
    'by_name': {name: entry}}. Parsing these ~800 lines of YAML takes ~50 ms, and setting()
    reads the registry many times per model: `dbt compile` of two staging models parsed it
    622 times, 31 s of its 92 s (cProfile). -#}
{% macro cached_settings(registry_yaml) %}
  {%- set memo = invocation_memo() -%}
  {%- if 'settings_registry' not in memo -%}
    {%- set entries = fromyaml(registry_yaml) -%}
    {%- set by_name = {} -%}
    {%- for entry in entries -%}{%- do by_name.update({entry['name']: entry}) -%}{%- endfor -%}
    {%- do memo.update({'settings_registry': {'entries': entries, 'by_name': by_name}}) -%}
  {%- endif -%}
  {{ return(memo['settings_registry']) }}
{% endmacro %}
