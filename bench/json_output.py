"""The output of the bench scripts: a result dict as indented JSON, to a file or stdout."""
from __future__ import annotations

import json
from pathlib import Path


def write_json(result: dict, out: Path | None) -> int:
    text = json.dumps(result, indent=2, default=str)
    if out:
        out.write_text(text)
    else:
        print(text)
    return 0
