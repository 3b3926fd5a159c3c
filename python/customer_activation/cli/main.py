"""`customer-activation`: one entry point for the project's steps.

    customer-activation build     demo data (unless --raw / raw_data_path), dbt build, publish
    customer-activation refresh   the daily refresh: incremental dbt build, publish (--full-refresh)
    customer-activation publish   copy the BI-facing schemas into published/customer_activation.duckdb
    customer-activation report    the campaign report, reports/campaign_report.html
    customer-activation export    activation exports: the treatment arm of each campaign's current phase
    customer-activation bench     the benchmark harness (bench/bench.py)
    customer-activation doctor    Python, Java (optional), the raw folder against the contract, free disk

build, refresh and bench do what the Makefile's targets of the same name do (which stay), with
dbt's own lines streamed and one summary line per stage with its elapsed time.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

from customer_activation.cli import dbt_run
from customer_activation.settings import PROJECT_DIR

DEMO_DIR = Path("data") / "demo"
DEMO_END_DATE = "2026-06-30"
NEXT_STEPS = """next:
  query the profile:  .venv/bin/python -c "import duckdb; print(duckdb.connect('{db}', read_only=True).sql('select rfm_segment, count(*) from marts.dim_customer_profile group by 1 order by 2 desc'))"
  open the report:    customer-activation report   (then open reports/campaign_report.html)
  export an audience: customer-activation export   (files and manifest under exports/<campaign>/<phase>/)"""


def project_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg).resolve()
    cwd = Path.cwd()
    return cwd if (cwd / "dbt_project.yml").is_file() else PROJECT_DIR


def default_db() -> str:
    return os.environ.get("CUSTOMER_ACTIVATION_DB", "customer_activation.duckdb")


def build_vars(user_vars: str | None, raw: str | None, demo: bool, end_date: str) -> dict:
    """The vars of a build: --vars (YAML), raw_data_path from --raw, the demo's as_of_date."""
    try:
        merged = yaml.safe_load(user_vars) if user_vars else {}
    except yaml.YAMLError as e:
        raise SystemExit(f"--vars is not YAML: {e}") from e
    if not isinstance(merged, dict):
        raise SystemExit(f"--vars must be a YAML mapping, e.g. '{{as_of_date: \"2026-06-30\"}}', not {user_vars!r}")
    if raw:
        merged["raw_data_path"] = raw
    if demo:
        merged.setdefault("as_of_date", end_date)
    return merged


def uses_demo_data(args: argparse.Namespace) -> bool:
    text = args.vars or ""
    return not args.raw and "raw_data_path" not in text and "raw_schema" not in text


def _extra(args: argparse.Namespace) -> list[str]:
    extra = list(getattr(args, "dbt_args", []) or [])
    return extra[1:] if extra[:1] == ["--"] else extra


def ensure_demo_data(root: Path, customers: int, seed: int, end_date: str) -> int:
    folder = root / DEMO_DIR
    stamp = folder / f".generated-{customers}-{seed}-{end_date}"
    if stamp.exists():
        print(f"demo data: {folder} is there ({customers} customers, seed {seed}, ends {end_date})")
        return 0
    print(f"demo data: generating {customers} customers (seed {seed}, ends {end_date}) into {folder}")
    started = time.perf_counter()
    if folder.exists():
        shutil.rmtree(folder)
    code = dbt_run.stream([sys.executable, "-m", "customer_activation.demo.generate", "--customers", str(customers),
                           "--seed", str(seed), "--end-date", end_date, "--out", str(folder), "--format", "csv"],
                           root, dbt_run.dbt_env(root, None))
    if code == 0:
        stamp.touch()
    print(f"demo data: {'ok' if code == 0 else 'failed'} in {time.perf_counter() - started:.1f} s")
    return code


def cmd_build(args: argparse.Namespace, refresh: bool = False) -> int:
    root = project_dir(args.project_dir)
    demo = uses_demo_data(args)
    name = "refresh" if refresh else "build"
    steps = (["full re-stage of the parsed raw rows"] if refresh and args.full_refresh else [])
    steps = (["demo data"] if demo and not refresh else []) + steps + ["dbt build"] + ([] if args.no_publish else ["publish"])
    print(f"{name}: {' -> '.join(steps)} into {args.db} (project {root})")
    started = time.perf_counter()
    if demo and not refresh and ensure_demo_data(root, args.demo_customers, args.demo_seed, args.end_date) != 0:
        return 1
    vars_json = json.dumps(build_vars(args.vars, args.raw, demo, args.end_date))
    env = dbt_run.dbt_env(root, args.db)
    if refresh and args.full_refresh:
        if dbt_run.run_dbt(["run", "--full-refresh", "--select", "+tag:parsed_rows", "--vars", vars_json], root, env):
            return 1
    if dbt_run.run_dbt(["build", "--vars", vars_json, *_extra(args)], root, env) != 0:
        print(f"{name} failed: see dbt's lines above (the first ERROR names the model); the published copy is unchanged")
        return 1
    if not args.no_publish and cmd_publish(argparse.Namespace(db=str(root / args.db), out=str(root / args.publish_dir))):
        return 1
    print(f"{name}: done in {time.perf_counter() - started:.1f} s")
    if not refresh:
        print(NEXT_STEPS.format(db=args.db))
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from customer_activation.io import publish
    print(f"publish: the BI-facing schemas of {args.db} into {args.out}/{publish.PUBLISHED_NAME} (read-only, atomic)")
    return publish.main(["--db", str(args.db), "--out", str(args.out)])


def cmd_report(args: argparse.Namespace) -> int:
    from customer_activation.campaigns.report.render import main as report_main
    print(f"report: the campaign report of {args.db} into {args.out}/campaign_report.html")
    if not Path(args.db).is_file():
        print(f"report failed: no database at {args.db}: run customer-activation build first", file=sys.stderr)
        return 1
    return report_main(["--db", str(args.db), "--out", str(args.out)] + (["--per-campaign"] if args.per_campaign else []))


def cmd_export(args: argparse.Namespace) -> int:
    from customer_activation.activation.export import run
    return run(args)


def cmd_bench(args: argparse.Namespace) -> int:
    root = project_dir(args.project_dir)
    print(f"bench: bench/bench.py --size {args.size} (a full build at that size, stages, floor, refresh; bench/README.md)")
    return dbt_run.stream([sys.executable, str(root / "bench" / "bench.py"), "--size", args.size, *_extra(args)], root,
                          dbt_run.dbt_env(root, None))


def cmd_doctor(args: argparse.Namespace) -> int:
    from customer_activation.cli.doctor import run_doctor
    root = project_dir(args.project_dir)
    raw = Path(args.raw) if args.raw else root / DEMO_DIR
    print(f"doctor: Python, Java (optional, for Spark), the raw folder {raw} against the data contract, free disk")
    checks, ok = run_doctor(raw, root, args.min_free_gb, args.delimiter)
    for check in checks:
        print(check.line())
    print("doctor: ready" if ok else "doctor: not ready, see FAIL above")
    return 0 if ok else 1


def _add_build_options(p: argparse.ArgumentParser, refresh: bool) -> None:
    p.add_argument("--db", default=default_db(), help="the build database (default: $CUSTOMER_ACTIVATION_DB or "
                                                      "customer_activation.duckdb)")
    p.add_argument("--raw", help="folder of the raw tables (sets var raw_data_path; default: the demo data)")
    p.add_argument("--vars", help="dbt vars as YAML, e.g. '{as_of_date: \"2026-06-30\"}'")
    p.add_argument("--end-date", default=DEMO_END_DATE, help="the demo data's last day = as_of_date (default: %(default)s)")
    p.add_argument("--no-publish", action="store_true", help="skip the publish step")
    p.add_argument("--publish-dir", default="published", help="where publish writes (default: %(default)s)")
    if refresh:
        p.add_argument("--full-refresh", action="store_true", help="re-stage every raw row first (docs/refresh.md)")
    else:
        p.add_argument("--demo-customers", type=int, default=3000, help="demo size (default: %(default)s)")
        p.add_argument("--demo-seed", type=int, default=42, help="demo seed (default: %(default)s)")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER, help="after --: more dbt build arguments (e.g. -- --select staging)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="customer-activation", description=__doc__.split("\n\n")[0],
                                  epilog="docs: README.md, docs/activation.md")
    top.add_argument("--project-dir", help="the dbt project (default: the current folder if it has dbt_project.yml, "
                                           "else the package's checkout)")
    sub = top.add_subparsers(dest="command", required=True, metavar="command")
    p = sub.add_parser("build", help="demo data, dbt build, publish (like make build, without the install)")
    _add_build_options(p, refresh=False)
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("refresh", help="the daily refresh: incremental dbt build, then publish")
    _add_build_options(p, refresh=True)
    p.set_defaults(func=lambda a: cmd_build(a, refresh=True))
    p = sub.add_parser("publish", help="the read-only published copy for BI tools")
    p.add_argument("--db", default=default_db())
    p.add_argument("--out", default="published")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("report", help="the campaign report (HTML)")
    p.add_argument("--db", default=default_db())
    p.add_argument("--out", default="reports")
    p.add_argument("--per-campaign", action="store_true", help="also one page per campaign")
    p.set_defaults(func=cmd_report)
    from customer_activation.activation.export import add_arguments
    p = sub.add_parser("export", help="activation exports (CSV, hashed identifiers, Parquet, manifest)")
    add_arguments(p)
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("bench", help="the benchmarks (bench/README.md)")
    p.add_argument("--size", default="100k", help="tiny, 10k, 100k, 1m or a number of customers (default: %(default)s)")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER, help="after --: more bench.py arguments (e.g. -- --no-refresh)")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("doctor", help="check Python, Java (optional), the raw folder, free disk")
    p.add_argument("--raw", help="the raw folder to check (default: the demo data, data/demo)")
    p.add_argument("--delimiter", default=",", help="CSV delimiter (var csv_delimiter; default: ,)")
    p.add_argument("--min-free-gb", type=float, default=2.0, help="free disk wanted (default: %(default)s GB)")
    p.set_defaults(func=cmd_doctor)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
