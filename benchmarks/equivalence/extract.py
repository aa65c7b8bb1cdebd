"""Turn the v1 reference sweeps into the committed table the equivalence test reads.

    .venv/bin/python benchmarks/equivalence/extract.py tests/data/v1_reference.parquet \
        v1_reference v1_reference_b:1000

Run from the repository's root with the sweep folders given relative to it (e.g. written there by
`truce sweep ... --out v1_reference`), so the recorded command names no machine's paths.
Keeps one row per run (design, replication, seed) with every summary metric, from each sweep folder
in turn; `FOLDER:K` keeps only its first K replications of every design (a sweep stopped early keeps
the replications all designs finished, so no design's sample is chosen by how fast its runs were).
Where the rows came from (each sweep's git commit, spec, root seed, replications kept, versions, and
this command) is stored in the Parquet file's metadata.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def sweep_rows(folder: str, first: int | None) -> tuple[pd.DataFrame, dict]:
    """The finished runs of one sweep (its first `first` replications of every design, if given)."""
    runs = pd.concat([pd.read_parquet(f) for f in sorted(Path(folder, "runs").glob("*.parquet"))])
    manifest = json.loads(Path(folder, "manifest.json").read_text())
    if (runs["status"] != "ok").any():
        raise SystemExit(f"{folder}: {int((runs['status'] != 'ok').sum())} runs failed")
    designs = manifest["spec"]["designs"]
    if first is not None:
        runs = runs[runs["replication"] < first]
        counts = runs.groupby("design").size().reindex(designs, fill_value=0)
        if (counts < first).any():
            raise SystemExit(
                f"{folder}: fewer than {first} replications of {counts[counts < first].to_dict()}"
            )
    metrics = list(runs.columns[runs.columns.get_loc("error") + 1 :])  # the summary metrics follow
    table = runs[["design", "replication", "seed", *metrics]].sort_values(["design", "replication"])
    provenance = {
        "commit": manifest["provenance"]["git_commit"],
        "spec": manifest["spec"]["name"],
        "replications": int(first if first is not None else manifest["spec"]["replications"]),
        "root_seed": manifest["spec"]["seed"],
        "weeks": manifest["spec"]["weeks"],
        "versions": manifest["provenance"]["packages"],
    }
    return table, provenance


def main(out: str, folders: list[str]) -> None:
    tables, sweeps = [], []
    for arg in folders:
        folder, _, first = arg.partition(":")
        table, provenance = sweep_rows(folder, int(first) if first else None)
        tables.append(table)
        sweeps.append(provenance)
    if len({s["commit"] for s in sweeps}) != 1:
        raise SystemExit(f"the sweeps come from different commits: {[s['commit'] for s in sweeps]}")
    table = pd.concat(tables, ignore_index=True)
    meta = {
        "commit": sweeps[0]["commit"],
        "sweeps": sweeps,
        "command": "truce sweep benchmarks/equivalence/v1_reference.toml --out v1_reference; "
        "truce sweep benchmarks/equivalence/v1_reference_b.toml --out v1_reference_b; "
        f"python benchmarks/equivalence/extract.py {out} {' '.join(folders)}",
    }
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**arrow.schema.metadata, b"truce": json.dumps(meta).encode()})
    pq.write_table(arrow, out, compression="zstd")
    per_design = table.groupby("design").size().min()
    print(
        f"{out}: {len(table)} runs ({per_design} per design) x {table.shape[1] - 3} metrics "
        f"from commit {meta['commit']}"
    )


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit("usage: extract.py OUT.parquet FOLDER[:K] [FOLDER[:K] ...]")
    main(sys.argv[1], sys.argv[2:])
