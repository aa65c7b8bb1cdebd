"""Turn the v1 reference sweep into the committed table the equivalence test reads.

    .venv/bin/python benchmarks/equivalence/extract.py /tmp/v1_reference tests/data/v1_reference.parquet

Keeps one row per run (design, replication, seed) with every summary metric, and stores where it came
from (the sweep's git commit, spec, versions and this command) in the Parquet file's metadata.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def main(folder: str, out: str) -> None:
    runs = pd.concat([pd.read_parquet(f) for f in sorted(Path(folder, "runs").glob("*.parquet"))])
    manifest = json.loads(Path(folder, "manifest.json").read_text())
    if (runs["status"] != "ok").any():
        raise SystemExit(f"{folder}: {int((runs['status'] != 'ok').sum())} runs failed")
    metrics = list(runs.columns[runs.columns.get_loc("error") + 1 :])  # the summary metrics follow
    table = runs[["design", "replication", "seed", *metrics]].sort_values(["design", "replication"])
    provenance = {
        "commit": manifest["provenance"]["git_commit"],
        "spec": manifest["spec"]["name"],
        "replications": manifest["spec"]["replications"],
        "root_seed": manifest["spec"]["seed"],
        "weeks": manifest["spec"]["weeks"],
        "versions": manifest["provenance"]["packages"],
        "command": "truce sweep benchmarks/equivalence/v1_reference.toml --out /tmp/v1_reference; "
        "python benchmarks/equivalence/extract.py /tmp/v1_reference tests/data/v1_reference.parquet",
    }
    arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    arrow = arrow.replace_schema_metadata(
        {**arrow.schema.metadata, b"truce": json.dumps(provenance).encode()}
    )
    pq.write_table(arrow, out, compression="zstd")
    print(f"{out}: {len(table)} runs x {len(metrics)} metrics from commit {provenance['commit']}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
