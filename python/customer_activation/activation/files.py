"""Atomic file writes: every file is written under a temporary name in its own folder, then
renamed over the final name with os.replace, so a reader sees the previous complete file or
the new complete one, never a partial one; a re-run overwrites cleanly."""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(final: Path, write: Callable[[Path], None]) -> dict:
    """Call write(tmp) with a temporary path beside `final`, fsync, os.replace it onto `final`;
    returns {file, bytes, sha256}. On any error the temporary file is removed and `final` is
    left as it was."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".tmp-{os.getpid()}-{time.time_ns()}-{final.name}")
    try:
        write(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        info = {"file": final.name, "bytes": tmp.stat().st_size, "sha256": file_sha256(tmp)}
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return info


def write_frame(frame: pd.DataFrame, final: Path, fmt: str) -> dict:
    """A frame as CSV (UTF-8, header, '\\n' line ends, empty for null) or Parquet, atomically."""
    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            raise ValueError(f"unknown format {fmt!r}: csv or parquet")
    info = write_atomic(final, write)
    info.update(format=fmt, rows=len(frame), columns=list(frame.columns))
    return info


def write_json(data: dict, final: Path) -> dict:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
    return write_atomic(final, write)


def remove_stale(folder: Path, manifest_name: str, keep: set[str]) -> list[str]:
    """Remove the files an earlier manifest in `folder` lists that this run did not write."""
    previous = folder / manifest_name
    if not previous.is_file():
        return []
    try:
        listed = [f["file"] for f in json.loads(previous.read_text(encoding="utf-8")).get("files", [])]
    except (ValueError, KeyError, TypeError):
        return []
    removed = []
    for name in listed:
        if name not in keep and "/" not in name and (folder / name).is_file():
            (folder / name).unlink()
            removed.append(name)
    return removed
