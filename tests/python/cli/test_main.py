"""The `customer-activation` command line: parsing of every subcommand, the vars a build passes
to dbt, the order of the dbt calls (dbt itself replaced by a recorder), the per-stage summary
from run_results.json, and publish / export / report run through the CLI on small files."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from activation_build import make_build
from customer_activation.cli import dbt_run
from customer_activation.cli import main as cli


@pytest.mark.parametrize("argv, command", [
    (["build"], "build"), (["refresh", "--full-refresh"], "refresh"), (["publish"], "publish"),
    (["report", "--per-campaign"], "report"), (["export", "--campaign", "CMP07", "--parquet"], "export"),
    (["bench", "--size", "tiny"], "bench"), (["doctor", "--raw", "/tmp/x"], "doctor"),
])
def test_every_subcommand_parses(argv, command) -> None:
    args = cli.parser().parse_args(argv)
    assert args.command == command and callable(args.func)


def test_parsing_details() -> None:
    args = cli.parser().parse_args(["build", "--db", "x.duckdb", "--raw", "/data/shop", "--no-publish",
                                    "--", "--select", "staging"])
    assert (args.db, args.raw, args.no_publish) == ("x.duckdb", "/data/shop", True)
    assert cli._extra(args) == ["--select", "staging"]
    args = cli.parser().parse_args(["export", "--campaign", "A", "--campaign", "B", "--phase", "rollout",
                                    "--default-country-code", "44", "--fields", "rfm_segment,city"])
    assert args.campaigns == ["A", "B"] and args.phase == "rollout" and args.default_country_code == "44"
    with pytest.raises(SystemExit):
        cli.parser().parse_args([])                       # a command is required
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["export", "--phase", "control"])   # not a phase
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["frobnicate"])


def test_build_vars() -> None:
    assert cli.build_vars(None, None, True, "2026-06-30") == {"as_of_date": "2026-06-30"}
    assert cli.build_vars('{as_of_date: "2011-12-09"}', "/data/shop", False, "2026-06-30") == {
        "as_of_date": "2011-12-09", "raw_data_path": "/data/shop"}
    with pytest.raises(SystemExit, match="YAML mapping"):
        cli.build_vars("[1, 2]", None, True, "2026-06-30")
    args = cli.parser().parse_args(["build", "--vars", "{raw_schema: shop}"])
    assert not cli.uses_demo_data(args)
    assert cli.uses_demo_data(cli.parser().parse_args(["build"]))


def _record(monkeypatch, code: int = 0) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake_run_dbt(args, project_dir, env):
        calls.append(["dbt", *args, "db=" + env.get("CUSTOMER_ACTIVATION_DB", "")])
        return code
    monkeypatch.setattr(dbt_run, "run_dbt", fake_run_dbt)
    monkeypatch.setattr(cli, "ensure_demo_data", lambda *a: calls.append(["demo", *map(str, a[1:])]) or 0)
    monkeypatch.setattr(cli, "cmd_publish", lambda a: calls.append(["publish", Path(a.db).name]) or 0)
    return calls


def test_build_runs_demo_data_dbt_build_then_publish(monkeypatch, tmp_path, capsys) -> None:
    calls = _record(monkeypatch)
    assert cli.main(["--project-dir", str(tmp_path), "build", "--db", "b.duckdb", "--", "--select", "staging"]) == 0
    assert calls == [["demo", "3000", "42", "2026-06-30"],
                     ["dbt", "build", "--vars", json.dumps({"as_of_date": "2026-06-30"}), "--select", "staging", "db=b.duckdb"],
                     ["publish", "b.duckdb"]]
    out = capsys.readouterr().out
    assert "build: demo data -> dbt build -> publish into b.duckdb" in out
    assert "export an audience" in out   # the next steps


def test_refresh_full_refresh_restages_first_and_a_failed_build_does_not_publish(monkeypatch, tmp_path, capsys) -> None:
    calls = _record(monkeypatch)
    assert cli.main(["--project-dir", str(tmp_path), "refresh", "--full-refresh", "--raw", "/data/shop"]) == 0
    assert [c[:2] for c in calls] == [["dbt", "run"], ["dbt", "build"], ["publish", "customer_activation.duckdb"]]
    assert calls[0][2:5] == ["--full-refresh", "--select", "+tag:parsed_rows"]
    assert json.loads(calls[1][3]) == {"raw_data_path": "/data/shop"}
    calls = _record(monkeypatch, code=1)
    assert cli.main(["--project-dir", str(tmp_path), "build", "--raw", "/data/shop"]) == 1
    assert [c[0] for c in calls] == ["dbt"]
    assert "the published copy is unchanged" in capsys.readouterr().out


def test_stage_summary_groups_by_model_folder() -> None:
    manifest = {"nodes": {
        "model.p.stg_a": {"resource_type": "model", "original_file_path": "models/staging/stg_a.sql"},
        "model.p.int_b": {"resource_type": "model", "original_file_path": "models/intermediate/orders/int_b.sql"},
        "seed.p.s": {"resource_type": "seed", "original_file_path": "seeds/s.csv"},
        "test.p.t1": {"resource_type": "test", "attached_node": "model.p.stg_a", "original_file_path": "models/staging/x.yml"},
        "test.p.t2": {"resource_type": "test", "depends_on": {"nodes": ["model.p.int_b"]}, "original_file_path": "tests/dbt/t2.sql"},
    }, "unit_tests": {
        "unit_test.p.int_b.u": {"resource_type": "unit_test", "depends_on": {"nodes": ["model.p.int_b"]}},
    }, "exposures": {"exposure.p.e": {"resource_type": "exposure"}}}

    def result(uid, start, end, status="success"):
        return {"unique_id": uid, "status": status, "timing": [
            {"name": "execute", "started_at": f"2026-01-01T00:00:{start:02d}Z", "completed_at": f"2026-01-01T00:00:{end:02d}Z"}]}
    run_results = {"results": [result("seed.p.s", 0, 1), result("model.p.stg_a", 1, 4), result("test.p.t1", 5, 6, "pass"),
                               result("model.p.int_b", 4, 9), result("test.p.t2", 9, 10, "fail"),
                               result("unit_test.p.int_b.u", 3, 4, "pass"), result("exposure.p.e", 10, 10, "no-op"),
                               result("operation.p.hook", 0, 0)]}
    rows = dbt_run.stage_summary(run_results, manifest)
    assert [(r["stage"], r["nodes"], r["seconds"]) for r in rows] == [("seeds", 1, 1.0), ("staging", 2, 5.0),
                                                                      ("intermediate", 3, 7.0), ("exposures", 1, 0.0)]
    assert rows[2]["statuses"] == {"success": 1, "fail": 1, "pass": 1}
    lines = dbt_run.summary_lines(rows)
    assert lines[1].startswith("stage staging") and "(1 pass, 1 success) in 5.0 s" in lines[1]


def test_stream_prints_the_lines_of_the_command(tmp_path, capsys) -> None:
    import sys
    code = dbt_run.stream([sys.executable, "-c", "print('one'); print('two'); raise SystemExit(3)"], tmp_path)
    assert code == 3
    out = capsys.readouterr().out
    assert "one\ntwo\n" in out


def test_publish_and_export_through_the_cli(tmp_path, capsys) -> None:
    db = make_build(tmp_path / "build.duckdb")
    assert cli.main(["publish", "--db", str(db), "--out", str(tmp_path / "pub")]) == 0
    assert "publish: the BI-facing schemas" in capsys.readouterr().out
    assert cli.main(["export", "--db", str(db), "--out", str(tmp_path / "exp")]) == 0
    assert json.loads((tmp_path / "exp" / "CMP9" / "pilot" / "manifest.json").read_text())["identifiers"]["email"]["available"]
    # The published copy has no staging: the export says so in its output and manifest.
    assert cli.main(["export", "--db", str(tmp_path / "pub" / "customer_activation.duckdb"), "--out", str(tmp_path / "exp2")]) == 0
    assert "email: no e-mail column" in capsys.readouterr().out
    assert cli.main(["report", "--db", str(tmp_path / "missing.duckdb")]) == 1
    assert "run customer-activation build first" in capsys.readouterr().err


def test_export_of_a_database_without_campaign_tables(tmp_path, capsys) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert cli.main(["export", "--db", str(empty), "--out", str(tmp_path / "exp")]) == 1
    err = capsys.readouterr().err
    assert "has no campaigns.campaign_assignments" in err and "customer-activation build" in err


def test_ensure_demo_data_generates_once_then_reuses(tmp_path, capsys) -> None:
    assert cli.ensure_demo_data(tmp_path, 60, 7, "2026-06-30") == 0
    folder = tmp_path / "data" / "demo"
    assert (folder / "customers.csv").is_file() and (folder / ".generated-60-7-2026-06-30").exists()
    assert "demo data: generating 60 customers" in capsys.readouterr().out
    (folder / "marker").write_text("kept")
    assert cli.ensure_demo_data(tmp_path, 60, 7, "2026-06-30") == 0
    assert "is there" in capsys.readouterr().out and (folder / "marker").exists()
