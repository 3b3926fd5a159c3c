# customer-activation: two commands do everything on a fresh machine with Python 3.11.
#   make build   create .venv if missing, install, generate the demo data, dbt build into
#                $(CUSTOMER_ACTIVATION_DB) (default customer_activation.duckdb)
#   make test    run every test (pytest: the package, the dbt project end to end, and the
#                same project on local Apache Spark checked against DuckDB), then make lint
#   make test-fast  the unit tests of the package and the project's files (tests/python): no
#                dbt build, no Spark
#   make lint    ruff (Python) and sqlfluff (the dbt models, compiled against the demo build)
#   make docs-vars  regenerate docs/vars.md from the settings registry
#   make publish copy the BI-facing schemas of the build into $(PUBLISH_DIR)/customer_activation.duckdb,
#                a read-only file replaced atomically (BI tools read that, never the build database)
#   make refresh the daily refresh (docs/refresh.md): an incremental dbt build on the same
#                database, then publish; FULL_REFRESH=1 re-stages every raw row first
#   make export  activation exports of each campaign's treatment arm (docs/activation.md)
#   The same steps as one command: .venv/bin/customer-activation build|refresh|publish|report|export|bench|doctor
#   make build-spark   the same build on local Apache Spark (dbt-spark, Java 17+): installs
#                the [spark] extra, writes under CUSTOMER_ACTIVATION_SPARK_DIR (target/spark)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

# Demo data: size and seed of the generated shop, and the date it ends (= as_of_date).
DEMO_CUSTOMERS ?= 3000
DEMO_SEED ?= 42
DEMO_END_DATE ?= 2026-06-30
DEMO_DIR := data/demo
DEMO_STAMP := $(DEMO_DIR)/.generated-$(DEMO_CUSTOMERS)-$(DEMO_SEED)-$(DEMO_END_DATE)
DEMO_VARS ?= {as_of_date: "$(DEMO_END_DATE)"}
DBT_ARGS ?=

.PHONY: build test test-fast lint docs-vars install install-spark build-spark demo-data dbt-build docs clean publish refresh

# Publishing takes under a second on the demo and runs only after dbt build succeeded.
build: install demo-data dbt-build
	$(MAKE) --no-print-directory publish
	@echo ""
	@echo "Built $(or $(CUSTOMER_ACTIVATION_DB),customer_activation.duckdb) and published/customer_activation.duckdb. Next:"
	@echo "  query the profile:  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(or $(CUSTOMER_ACTIVATION_DB),customer_activation.duckdb)', read_only=True).sql('select rfm_segment, count(*) from marts.dim_customer_profile group by 1 order by 2 desc'))\""
	@echo "  open the report:    make report, then open reports/campaign_report.html (seconds)"
	@echo "  export an audience: make export, then look in exports/<campaign>/<phase>/ (docs/activation.md)"

install: $(VENV)/.installed

# pip prints what it collects and installs (about a minute on a fresh machine, not silent).
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the project and its dependencies into $(VENV) (dbt, DuckDB, scikit-learn, ...; about a minute the first time)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e ".[test,semantic]"
	touch $@

# The [spark] extra (dbt-spark with pyspark, about 600 MB, 35-65 s) on top of the above.
install-spark: $(VENV)/.installed-spark

$(VENV)/.installed-spark: $(VENV)/.installed
	@echo "Installing the [spark] extra (dbt-spark with pyspark, about 600 MB)"
	$(BIN)/python -m pip install --progress-bar on -e ".[test,semantic,spark]"
	touch $@

demo-data: install $(DEMO_STAMP)

$(DEMO_STAMP):
	rm -rf $(DEMO_DIR)
	$(BIN)/python -m customer_activation.demo.generate --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) \
		--end-date $(DEMO_END_DATE) --out $(DEMO_DIR) --format csv
	touch $@

dbt-build: install
	$(DBT) build --vars '$(DEMO_VARS)' $(DBT_ARGS)

# Daily refresh (docs/refresh.md): what a scheduler runs once the day's rows are in the
# raw tables. The same dbt build: the parsed staging models (tag parsed_rows) append the new
# raw rows (var incremental_lookback_days), everything downstream is rebuilt from them.
# REFRESH_VARS: the build's vars (as_of_date: the day just ended; raw_data_path / raw_schema).
# FULL_REFRESH=1 first re-stages every raw row (rows later than the lookback, changed or
# deleted raw rows, changed parsing vars), keeping the other incremental models' history.
REFRESH_VARS ?= $(DEMO_VARS)
FULL_REFRESH ?=
refresh: install
ifeq ($(FULL_REFRESH),1)
	$(DBT) run --full-refresh --select +tag:parsed_rows --vars '$(REFRESH_VARS)'
endif
	$(DBT) build --vars '$(REFRESH_VARS)' $(DBT_ARGS)
	$(MAKE) --no-print-directory publish

# Local Spark: one JVM per build (local[2]); the warehouse and its Derby metastore live in
# CUSTOMER_ACTIVATION_SPARK_DIR (default target/spark), which one build at a time may use.
# dbt runs through the project's runner so Python models run in dbt's own Spark session
# (docs/spark.md).
SPARK_DBT := $(BIN)/python -m customer_activation.io.spark_session
build-spark: install-spark demo-data
	$(SPARK_DBT) build --target spark --vars '$(DEMO_VARS)' $(DBT_ARGS)

# BI access (docs/bi.md): the published copy BI tools connect to.
PUBLISH_DIR ?= published
publish: install
	$(BIN)/python -m customer_activation.io.publish --db $(or $(CUSTOMER_ACTIVATION_DB),customer_activation.duckdb) --out $(PUBLISH_DIR)

# Two pytest workers, each taking whole test files (a file's module fixtures are built once).
# TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
PYTEST_WORKERS = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder)
test: install install-spark
	$(BIN)/python -m pytest -q $(PYTEST_WORKERS)
	$(MAKE) --no-print-directory lint

test-fast: install
	$(BIN)/python -m pytest -q tests/python $(PYTEST_WORKERS)

# sqlfluff's dbt templater compiles every model, and some models query the build while they
# compile (seeds, column lists), so it lints against the demo build (made first if missing;
# its relations are what compiling needs, so the data and unit tests are left out).
LINT_DB := target/lint/customer_activation.duckdb
lint: install demo-data
	$(BIN)/ruff check python tests bench
	test -f $(LINT_DB) || (mkdir -p target/lint && CUSTOMER_ACTIVATION_DB=$(LINT_DB) $(DBT) build --exclude resource_type:test resource_type:unit_test --vars '$(DEMO_VARS)' --quiet)
	CUSTOMER_ACTIVATION_DB=$(LINT_DB) $(BIN)/sqlfluff lint models snapshots tests/dbt

docs-vars: install
	$(BIN)/python -m customer_activation.settings --write docs/vars.md

# Campaign report (docs/campaigns.md): self-contained HTML of every campaign in $(REPORT_DIR).
REPORT_DIR ?= reports
.PHONY: report
report: install
	$(BIN)/python -m customer_activation.campaigns.report --db $(or $(CUSTOMER_ACTIVATION_DB),customer_activation.duckdb) --out $(REPORT_DIR)

docs: install demo-data
	$(DBT) docs generate --vars '$(DEMO_VARS)'

clean:
	rm -rf target logs $(DEMO_DIR) customer_activation.duckdb customer_activation.duckdb.wal published reports exports

# Activation exports (docs/activation.md): the treatment arm of each campaign's current phase
# as contacts.csv, hashed_identifiers.csv and manifest.json in $(EXPORT_DIR)/<campaign>/<phase>/.
EXPORT_DIR ?= exports
EXPORT_ARGS ?=
.PHONY: export
export: install
	$(BIN)/customer-activation export --db $(or $(CUSTOMER_ACTIVATION_DB),customer_activation.duckdb) --out $(EXPORT_DIR) $(EXPORT_ARGS)

# Benchmarks (bench/README.md): make bench SIZE=tiny|100k|1m [BENCH_ARGS="--no-refresh"]
SIZE ?= 100k
BENCH_ARGS ?=

.PHONY: bench
bench: install
	$(BIN)/python bench/bench.py --size $(SIZE) $(BENCH_ARGS)
