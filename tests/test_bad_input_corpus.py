"""The README's promise for bad input, kept everywhere: a corpus of malformed inputs of every kind.

Design files, experiment specs, funnel files and the flags of every `truce` subcommand, each case run
as a user runs it (a subprocess) under an address-space limit of 1 GB and a generous timeout. Each
must exit with code 2 and exactly one stderr line (no traceback), and leave nothing behind: the
folder of fixtures is the same, file for file, before and after (no results folder, manifest or half
a design file). Refusals come before any work, so the whole corpus runs in well under a minute.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli_runner import ROOT

LIMIT_BYTES = 2**30  # the address space each case may use
TIMEOUT = 120.0


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def _truce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env |= {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        preexec_fn=_limit_memory,
    )


# ------------------------------------------------------------------------------------------ fixtures
GOOD_DESIGN = 'name = "ok"\n[levers]\nlead_sla_hours = 24.0\n'
GOOD_SPEC = 'designs = ["siloed"]\nweeks = 4\nreplications = 1\nkeep = "none"\n'
GOOD_FUNNEL = "[targets]\nwin_rate = 0.25\n"
SPEC = 'designs = ["siloed"]\nweeks = 10\nreplications = 1\n'
IV = "[[interventions]]\nweek = 2\n"
FACTORIAL = "".join(
    f"{name} = {{ values = [{', '.join(str(lo + i * step) for i in range(10))}] }}\n"
    for name, lo, step in (
        ("bass_p", 0.01, 0.001),
        ("bass_q", 0.2, 0.01),
        ("churn_annual", 0.05, 0.01),
        ("quit_sales_annual", 0.1, 0.01),
        ("blame_rate", 0.1, 0.01),
        ("free_riding", 0.1, 0.01),
        ("training_decay", 0.2, 0.01),
        ("brand_decay", 0.01, 0.001),
        ("referral_rate", 0.02, 0.001),
        ("market_complexity", 0.2, 0.01),
        ("orientation_value", 0.1, 0.01),
        ("liaison_effectiveness", 0.3, 0.01),
    )
)

#: name -> text (str) or bytes of a fixture file.
FILES: dict[str, str | bytes] = {
    "good.toml": GOOD_DESIGN,
    "d_nan.toml": "[uncertainties]\naccounts = nan\n",
    "d_inf.toml": "[uncertainties]\naccounts = inf\n",
    "d_neg_inf.toml": "[levers]\nsalespeople = -inf\n",
    "d_nan_float.toml": "[levers]\nlead_sla_hours = nan\n",
    "d_binary.toml": b"\xff\xfe\x00\x01\x02binary",
    "d_latin1.toml": 'name = "caf\xe9"\n'.encode("latin-1"),
    "d_nested.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "d_malformed.toml": 'name = "x"\n[levers\n',
    "d_unknown_key.toml": 'nmae = "x"\n',
    "d_lever_as_uncertainty.toml": "[uncertainties]\nlead_sla_hours = 24.0\n",
    "d_table_value.toml": "[levers]\nlead_sla_hours = { a = 1 }\n",
    "d_iv_ints.toml": "interventions = [1, 2]\n",
    "d_iv_kind_list.toml": f'{IV}kind = ["hire"]\n',
    "d_iv_set_nan.toml": f'{IV}kind = "set"\nparam = "accounts"\nvalue = nan\n',
    "d_iv_set_inf.toml": f'{IV}kind = "set"\nparam = "salespeople"\nvalue = inf\n',
    "d_iv_switch_dir.toml": f'{IV}kind = "switch_design"\ndesign = "{{d}}/folder.toml"\n',
    "d_iv_switch_missing.toml": f'{IV}kind = "switch_design"\ndesign = "{{d}}/nowhere.toml"\n',
    "d_iv_beyond.toml": '[[interventions]]\nweek = 9999\nkind = "crm"\n',
    "d_iv_hire_nan.toml": f'{IV}kind = "hire"\nn = nan\n',
    "s_set_nan.toml": f"{SPEC}[set]\naccounts = nan\n",
    "s_set_inf.toml": f"{SPEC}[set]\nsalespeople = inf\n",
    "s_design_dir.toml": 'designs = ["folder.toml"]\nweeks = 5\n',
    "s_design_loop.toml": 'designs = ["loop_a.toml"]\nweeks = 5\n',
    "s_design_binary.toml": 'designs = ["d_binary.toml"]\nweeks = 5\n',
    "s_design_nul.toml": 'designs = ["a\\u0000b.toml"]\nweeks = 5\n',
    "s_binary.toml": b"\x00\x9f\x92\x96 designs",
    "s_malformed.toml": "designs = [siloed\n",
    "s_replications.toml": 'designs = ["siloed"]\nweeks = 5\nreplications = 1000000000\n',
    "s_weeks.toml": 'designs = ["siloed"]\nweeks = 1000000000\nreplications = 1\n',
    "s_lhs.toml": f'{SPEC}[sampling]\nmethod = "lhs"\nsamples = 1000000000\n'
    "[axes]\naccounts = { range = [1000, 2000] }\n",
    "s_sobol.toml": f'{SPEC}[sampling]\nmethod = "sobol"\nsamples = 1073741824\n'
    "[axes]\nbass_p = { range = [0.01, 0.05] }\n",
    "s_morris.toml": f'{SPEC}[sampling]\nmethod = "morris"\nsamples = 1000000000\n'
    "[axes]\nbass_p = { range = [0.01, 0.05] }\n",
    "s_factorial.toml": f"{SPEC}[axes]\n{FACTORIAL}",
    "s_iv_ints.toml": f"{SPEC}interventions = [1, 2]\n",
    "s_iv_set_nan.toml": f'{SPEC}{IV}kind = "set"\nparam = "accounts"\nvalue = nan\n',
    "s_iv_switch_dir.toml": f'{SPEC}{IV}kind = "switch_design"\ndesign = "{{d}}/folder.toml"\n',
    "s_variant_dir.toml": 'designs = ["v"]\nweeks = 5\n[variants.v]\nbase = "folder.toml"\n',
    "s_replications_nan.toml": 'designs = ["siloed"]\nreplications = nan\n',
    "s_seed.toml": 'designs = ["siloed"]\nseed = -1\n',
    "s_keep.toml": 'designs = ["siloed"]\nkeep = 5\n',
    "s_designs_str.toml": 'designs = "siloed"\n',
    "s_axis_nan.toml": f"{SPEC}[axes]\naccounts = {{ values = [nan] }}\n",
    "s_range_nan.toml": f'{SPEC}[sampling]\nmethod = "lhs"\nsamples = 4\n'
    "[axes]\nbass_p = { range = [nan, 0.05] }\n",
    "s_good.toml": GOOD_SPEC,
    "f_company_nan.toml": f"[company]\naccounts = nan\n{GOOD_FUNNEL}",
    "f_company_inf.toml": f"[company]\nsalespeople = inf\n{GOOD_FUNNEL}",
    "f_target_nan.toml": "[targets]\nwin_rate = nan\n",
    "f_targets_list.toml": "targets = [1, 2]\n",
    "f_empty.toml": "[targets]\n",
    "f_unknown_target.toml": "[targets]\nwin_rates = 0.2\n",
    "f_lever.toml": f"[company]\nlead_sla_hours = 4.0\n{GOOD_FUNNEL}",
    "f_binary.toml": b"\xc3\x28[targets]",
    "f_good.toml": GOOD_FUNNEL,
    "a_file": "not a folder\n",
    "results_bad/manifest.json": "{ not json",
    "results_list/manifest.json": "[1, 2]",
    "results_binary/manifest.json": b"\xff\xfe{}",
    "results_ok/manifest.json": '{"format": "truce-experiment/1"}',  # enough to reach the --out check
}


def _build(folder: Path) -> None:
    for name, content in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content.replace("{d}", str(folder)), encoding="utf-8")
    (folder / "folder.toml").mkdir()
    (folder / "empty_folder").mkdir()
    os.symlink("loop_b.toml", folder / "loop_a.toml")
    os.symlink("loop_a.toml", folder / "loop_b.toml")
    os.mkfifo(folder / "pipe.toml")  # POSIX, as the project is (forkserver workers)
    with (folder / "huge.toml").open("wb") as file:  # sparse: 64 MB of nothing, no disk used
        file.truncate(64 * 2**20)


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad_inputs")
    _build(folder)
    return folder


def _snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under `folder` with its type, size and modification time (links not followed)."""
    out = {}
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        out[str(path.relative_to(folder))] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return out


# ------------------------------------------------------------------------------------------- cases
@dataclass(frozen=True)
class Case:
    """One bad input: the command (`{d}` = the fixtures folder) and what its one line must name."""

    id: str
    args: tuple[str, ...]
    names: tuple[str, ...] = ()


def _c(case_id: str, command: str, *names: str) -> Case:
    return Case(case_id, tuple(command.split()), names)


FUNNEL = "{d}/f_good.toml"
OUT = "--out {d}/new_out"
CAL = f"calibrate {FUNNEL} --out {{d}}/company.toml"

CASES = [
    # design files (run / designs / compare), NaN and infinity first
    _c(
        "design-accounts-nan",
        "run {d}/d_nan.toml --weeks 5",
        "d_nan.toml",
        "accounts",
        "nan",
        "[1000, 2000000]",
    ),
    _c("design-accounts-inf", "run {d}/d_inf.toml --weeks 5", "accounts", "inf"),
    _c("design-salespeople-neg-inf", "run {d}/d_neg_inf.toml --weeks 5", "salespeople", "-inf"),
    _c("design-float-nan", "designs {d}/d_nan_float.toml", "lead_sla_hours", "nan"),
    _c("design-folder", "run {d}/folder.toml --weeks 5", "folder.toml", "folder"),
    _c("design-folder-designs", "designs {d}/folder.toml", "folder.toml", "folder"),
    _c("design-folder-compare", "compare siloed {d}/folder.toml --weeks 5", "folder.toml"),
    _c("design-symlink-loop", "run {d}/loop_a.toml", "loop_a.toml", "symlink loop"),
    _c("design-binary", "run {d}/d_binary.toml", "d_binary.toml", "UTF-8"),
    _c("design-latin1", "designs {d}/d_latin1.toml", "d_latin1.toml", "UTF-8", "0xe9"),
    _c("design-pipe", "run {d}/pipe.toml", "pipe.toml", "not a regular file"),
    _c("design-device", "run /dev/zero", "/dev/zero", "not a regular file"),
    _c("design-huge", "run {d}/huge.toml", "huge.toml", "bytes"),
    _c("design-nested-too-deep", "run {d}/d_nested.toml", "d_nested.toml", "malformed TOML"),
    _c("design-malformed", "run {d}/d_malformed.toml", "d_malformed.toml", "malformed TOML"),
    _c("design-unknown-key", "run {d}/d_unknown_key.toml", "nmae"),
    _c("design-lever-as-uncertainty", "run {d}/d_lever_as_uncertainty.toml", "lead_sla_hours", "[levers]"),
    _c("design-table-value", "run {d}/d_table_value.toml", "lead_sla_hours", "[0.0, 168.0]"),
    _c("design-missing", "run {d}/nowhere.toml", "nowhere.toml", "not found"),
    _c("design-name-too-long", "run {d}/" + "x" * 300 + ".toml", "too long"),
    _c("design-interventions-ints", "run {d}/d_iv_ints.toml", "d_iv_ints.toml", "interventions", "[1, 2]"),
    _c("design-intervention-kind-list", "run {d}/d_iv_kind_list.toml", "kind", "['hire']"),
    _c("design-set-intervention-nan", "run {d}/d_iv_set_nan.toml", "d_iv_set_nan.toml", "accounts", "nan"),
    _c("design-set-intervention-inf", "run {d}/d_iv_set_inf.toml", "salespeople", "inf"),
    _c("design-switch-to-folder", "run {d}/d_iv_switch_dir.toml", "d_iv_switch_dir.toml", "folder"),
    _c("design-switch-to-missing", "run {d}/d_iv_switch_missing.toml", "switch_design", "nowhere.toml"),
    _c("design-intervention-beyond", "run {d}/d_iv_beyond.toml --weeks 10", "9999", "1..10"),
    _c("design-hire-nan", "run {d}/d_iv_hire_nan.toml", "hire.n", "nan"),
    # --set
    _c(
        "set-accounts-nan",
        "run siloed --weeks 5 --set accounts=nan",
        "--set 'accounts=nan'",
        "[1000, 2000000]",
    ),
    _c("set-accounts-inf", "compare siloed --weeks 5 --set accounts=inf", "accounts", "inf"),
    _c("set-salespeople-neg-inf", "run siloed --set salespeople=-inf", "salespeople", "-inf"),
    _c("set-no-equals", "run siloed --set accounts", "--set 'accounts'", "name=value"),
    _c("set-not-a-number", "run siloed --set accounts=lots", "lots"),
    # experiment specs (sweep)
    _c("spec-set-nan", f"sweep {{d}}/s_set_nan.toml {OUT}", "s_set_nan.toml", "[set]", "accounts", "nan"),
    _c("spec-set-inf", f"sweep {{d}}/s_set_inf.toml {OUT}", "salespeople", "inf"),
    _c("spec-folder", f"sweep {{d}}/folder.toml {OUT}", "folder.toml", "folder"),
    _c("spec-symlink-loop", f"sweep {{d}}/loop_a.toml {OUT}", "loop_a.toml", "symlink loop"),
    _c("spec-binary", f"sweep {{d}}/s_binary.toml {OUT}", "s_binary.toml", "UTF-8"),
    _c("spec-pipe", f"sweep {{d}}/pipe.toml {OUT}", "pipe.toml", "not a regular file"),
    _c("spec-missing", f"sweep {{d}}/nowhere.toml {OUT}", "nowhere.toml", "not found"),
    _c("spec-malformed", f"sweep {{d}}/s_malformed.toml {OUT}", "s_malformed.toml", "malformed TOML"),
    _c("spec-design-folder", f"sweep {{d}}/s_design_dir.toml {OUT}", "designs[0]", "folder"),
    _c("spec-design-loop", f"sweep {{d}}/s_design_loop.toml {OUT}", "designs[0]", "symlink loop"),
    _c("spec-design-binary", f"sweep {{d}}/s_design_binary.toml {OUT}", "designs[0]", "UTF-8"),
    _c("spec-design-nul", f"sweep {{d}}/s_design_nul.toml {OUT}", "designs[0]"),
    _c("spec-replications-1e9", f"sweep {{d}}/s_replications.toml {OUT}", "1,000,000,000 runs", "memory"),
    _c("spec-weeks-1e9", f"sweep {{d}}/s_weeks.toml {OUT}", "s_weeks.toml", "memory", "allowed"),
    _c("spec-lhs-1e9", f"sweep {{d}}/s_lhs.toml {OUT}", "s_lhs.toml", "1,000,000,000", "allowed"),
    _c("spec-sobol-huge", f"sweep {{d}}/s_sobol.toml {OUT}", "s_sobol.toml", "runs", "allowed"),
    _c("spec-morris-huge", f"sweep {{d}}/s_morris.toml {OUT}", "s_morris.toml", "runs", "allowed"),
    _c("spec-factorial-1e12", f"sweep {{d}}/s_factorial.toml {OUT}", "1,000,000,000,000 runs", "allowed"),
    _c("spec-interventions-ints", f"sweep {{d}}/s_iv_ints.toml {OUT}", "interventions", "[1, 2]"),
    _c("spec-set-intervention-nan", f"sweep {{d}}/s_iv_set_nan.toml {OUT}", "accounts", "nan"),
    _c("spec-switch-to-folder", f"sweep {{d}}/s_iv_switch_dir.toml {OUT}", "design", "folder"),
    _c("spec-variant-base-folder", f"sweep {{d}}/s_variant_dir.toml {OUT}", "variants.v.base", "folder"),
    _c("spec-replications-nan", f"sweep {{d}}/s_replications_nan.toml {OUT}", "replications", "nan"),
    _c("spec-seed-negative", f"sweep {{d}}/s_seed.toml {OUT}", "seed", "-1", "int >= 0"),
    _c("spec-keep-int", f"sweep {{d}}/s_keep.toml {OUT}", "keep", "5"),
    _c("spec-designs-string", f"sweep {{d}}/s_designs_str.toml {OUT}", "designs", "'siloed'"),
    _c("spec-factorial-nan", f"sweep {{d}}/s_axis_nan.toml {OUT}", "accounts", "nan"),
    _c("spec-range-nan", f"sweep {{d}}/s_range_nan.toml {OUT}", "bass_p", "nan"),
    # funnel files (calibrate)
    _c(
        "funnel-company-nan",
        "calibrate {d}/f_company_nan.toml --out {d}/c.toml",
        "[company]",
        "accounts",
        "nan",
    ),
    _c("funnel-company-inf", "calibrate {d}/f_company_inf.toml --out {d}/c.toml", "salespeople", "inf"),
    _c("funnel-target-nan", "calibrate {d}/f_target_nan.toml --out {d}/c.toml", "win_rate", "nan"),
    _c("funnel-targets-list", "calibrate {d}/f_targets_list.toml --out {d}/c.toml", "targets"),
    _c("funnel-empty", "calibrate {d}/f_empty.toml --out {d}/c.toml", "[targets] is empty"),
    _c("funnel-unknown-target", "calibrate {d}/f_unknown_target.toml --out {d}/c.toml", "win_rates"),
    _c("funnel-lever", "calibrate {d}/f_lever.toml --out {d}/c.toml", "lead_sla_hours", "design lever"),
    _c("funnel-folder", "calibrate {d}/folder.toml --out {d}/c.toml", "folder.toml", "folder"),
    _c("funnel-symlink-loop", "calibrate {d}/loop_a.toml --out {d}/c.toml", "symlink loop"),
    _c("funnel-binary", "calibrate {d}/f_binary.toml --out {d}/c.toml", "f_binary.toml", "UTF-8"),
    _c("funnel-pipe", "calibrate {d}/pipe.toml --out {d}/c.toml", "pipe.toml"),
    _c("funnel-missing", "calibrate {d}/nowhere.toml --out {d}/c.toml", "nowhere.toml", "not found"),
    _c("funnel-base-design-folder", f"{CAL} --design {{d}}/folder.toml", "folder.toml"),
    # calibrate's output, checked before the fit
    _c("calibrate-out-missing-folder", f"calibrate {FUNNEL} --out {{d}}/missing/dir/x.toml", "missing/dir"),
    _c("calibrate-out-folder", f"calibrate {FUNNEL} --out {{d}}/folder.toml", "--out", "folder"),
    _c("calibrate-out-under-file", f"calibrate {FUNNEL} --out {{d}}/a_file/x.toml", "a_file", "not a folder"),
    _c("calibrate-out-not-toml", f"calibrate {FUNNEL} --out {{d}}/company.txt", "--out", ".toml"),
    _c("calibrate-out-unwritable", f"calibrate {FUNNEL} --out /proc/truce_company.toml", "--out", "/proc"),
    _c("calibrate-replications-1e9", f"{CAL} --replications 1000000000", "runs", "allowed"),
    _c("calibrate-weeks-1e9", f"{CAL} --weeks 1000000000", "memory", "allowed"),
    _c("calibrate-weeks-52", f"{CAL} --weeks 52", "--weeks", "52"),
    _c("calibrate-seed-negative", f"{CAL} --seed -1", "--seed", "-1"),
    # sizes and other flags
    _c("run-weeks-1e9", "run siloed --weeks 1000000000", "1 run", "memory", "allowed"),
    _c("run-weeks-0", "run siloed --weeks 0", "--weeks", "0", "int >= 1"),
    _c("run-weeks-not-int", "run siloed --weeks abc", "--weeks", "abc"),
    _c("run-seed-negative", "run siloed --seed -1", "seed", "-1"),
    _c("run-time-limit", "run siloed --max-hours 0.00001", "--max-hours", "takes about"),
    _c("run-max-hours-nan", "run siloed --max-hours nan", "--max-hours", "nan"),
    _c("run-unknown-design", "run silod", "silod", "siloed"),
    _c("no-command", "", "command"),
    _c("unknown-command", "runn siloed", "runn"),
    _c("unknown-flag", "run siloed --weks 5", "--weks"),
    _c("compare-seed-negative", "compare siloed --seed -5 --weeks 5", "--seed", "-5"),
    _c("compare-replications-1e9", "compare --replications 1000000000", "runs", "memory", "allowed"),
    _c("compare-workers-0", "compare siloed --workers 0", "--workers", "0"),
    _c("compare-workers-huge", "compare siloed --workers 100000 --weeks 5", "memory", "allowed"),
    _c("compare-same-design-twice", "compare siloed siloed", "siloed", "twice"),
    _c("dashboard-port-70000", "dashboard --port 70000", "--port", "70000", "[1, 65535]"),
    _c("dashboard-port-negative", "dashboard --port -1", "--port", "-1", "[1, 65535]"),
    _c("dashboard-host-unknown", "dashboard --host no-such-host.invalid", "--host", "no-such-host.invalid"),
    _c("sweep-out-is-file", "sweep {d}/s_good.toml --out {d}/a_file", "--out", "a_file", "is a file"),
    _c("sweep-out-under-file", "sweep {d}/s_good.toml --out {d}/a_file/sub", "a_file", "not a folder"),
    _c("sweep-out-unwritable", "sweep {d}/s_good.toml --out /proc/truce_results", "--out", "/proc"),
    _c("sweep-out-bad-manifest", "sweep {d}/s_good.toml --out {d}/results_bad --workers 1", "manifest.json"),
    _c("sweep-workers-0", f"sweep {{d}}/s_good.toml {OUT} --workers 0", "--workers", "0"),
    _c("sweep-scheduler-no-port", f"sweep {{d}}/s_good.toml {OUT} --scheduler tcp://127.0.0.1", "port"),
    _c("sweep-scheduler-nonsense", f"sweep {{d}}/s_good.toml {OUT} --scheduler nonsense", "nonsense"),
    _c("sweep-scheduler-unknown-protocol", f"sweep {{d}}/s_good.toml {OUT} --scheduler xyz://h:1", "xyz"),
    _c(
        "sweep-scheduler-unreachable",
        f"sweep {{d}}/s_good.toml {OUT} --scheduler tcp://127.0.0.1:1",
        "connect",
    ),
    _c(
        "sweep-scheduler-and-local",
        f"sweep {{d}}/s_good.toml {OUT} --scheduler tcp://h:1 --local-cluster",
        "not allowed",
    ),
    _c(
        "sweep-local-cluster-huge",
        f"sweep {{d}}/s_good.toml {OUT} --local-cluster --workers 100000",
        "100,000",
    ),
    _c("sweep-max-hours-negative", f"sweep {{d}}/s_good.toml {OUT} --max-hours -1", "--max-hours", "-1"),
    _c("report-missing-folder", "report {d}/nowhere", "nowhere", "not a results folder"),
    _c("report-a-file", "report {d}/a_file", "a_file", "not a results folder"),
    _c("report-no-manifest", "report {d}/empty_folder", "manifest.json"),
    _c("report-malformed-manifest", "report {d}/results_bad", "manifest.json", "JSON"),
    _c("report-manifest-not-a-manifest", "report {d}/results_list", "manifest.json"),
    _c("report-manifest-binary", "report {d}/results_binary", "manifest.json", "UTF-8"),
    _c("report-out-folder", "report {d}/results_ok --out {d}/folder.toml", "--out", "folder"),
    _c("report-out-under-file", "report {d}/results_ok --out {d}/a_file/r.html", "a_file", "not a folder"),
    _c("report-out-missing-folder", "report {d}/results_ok --out {d}/no/such/r.html", "no/such"),
    _c("robust-missing-folder", "robust {d}/nowhere", "nowhere", "not a results folder"),
    _c("robust-no-manifest", "robust {d}/empty_folder", "manifest.json"),
    _c("robust-malformed-manifest", "robust {d}/results_bad", "manifest.json", "JSON"),
    _c("robust-no-uncertainty", "robust {d}/results_ok", "results_ok", "samples no uncertainty"),
    _c("robust-within-high", "robust {d}/results_ok --within 101", "--within", "101"),
    _c("robust-within-nan", "robust {d}/results_ok --within nan", "--within", "nan"),
    _c("robust-format", "robust {d}/results_ok --format xml", "--format", "xml"),
    _c("discover-missing-folder", "discover {d}/nowhere --design merged", "nowhere", "not a results folder"),
    _c("discover-no-uncertainty", "discover {d}/results_ok --design siloed", "results_ok"),
    _c("discover-below-nan", "discover {d}/results_ok --design siloed --below nan", "--below", "nan"),
    _c("discover-above-inf", "discover {d}/results_ok --design siloed --above inf", "--above", "inf"),
    _c("discover-both", "discover {d}/results_ok --design siloed --above 1 --below 2", "--below", "--above"),
    Case("path-with-newline", ("run", "{d}/two\nlines.toml"), ("two\\nlines.toml",)),
]


def _args(case: Case, folder: Path) -> list[str]:
    return [arg.replace("{d}", str(folder)) for arg in case.args]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_nothing_written(case: Case, fixtures: Path) -> None:
    before = _snapshot(fixtures)
    out = _truce(*_args(case, fixtures), cwd=fixtures)
    lines = out.stderr.splitlines()
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert "Traceback" not in out.stderr, out.stderr[-2000:]
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}: {lines[:5]}"
    assert lines[0].startswith("truce: error: "), lines[0]
    missing = [name.replace("{d}", str(fixtures)) for name in case.names]
    missing = [name for name in missing if name not in lines[0]]
    assert not missing, f"{lines[0]!r} does not name {missing}"
    assert _snapshot(fixtures) == before, "the refused command wrote or changed files"


def test_a_port_in_use_is_refused_in_one_line(fixtures: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = _truce("dashboard", "--port", str(port), cwd=fixtures)
    assert out.returncode == 2, out.stderr[-2000:]
    assert out.stderr.splitlines() == [out.stderr.strip()], out.stderr[-2000:]
    assert str(port) in out.stderr and "cannot listen" in out.stderr


def test_the_corpus_is_large_and_spans_every_input_kind() -> None:
    kinds = {case.id.split("-")[0] for case in CASES}
    assert len(CASES) >= 60
    assert {"design", "set", "spec", "funnel", "calibrate", "run", "compare", "sweep"} <= kinds
    assert {"dashboard", "report", "robust", "discover"} <= kinds


# --------------------------------------------------------------------- valid input stays accepted
BOM = b"\xef\xbb\xbf"


def test_a_design_file_with_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(BOM + GOOD_DESIGN.encode())
    out = _truce("designs", str(path), cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "lead_sla_hours" in out.stdout and "24.0" in out.stdout
    out = _truce("run", str(path), "--weeks", "3", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]


def test_spec_and_funnel_files_with_a_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    from experiments import Experiment
    from experiments.calibrate import load_funnel

    spec = tmp_path / "bom_spec.toml"
    spec.write_bytes(BOM + GOOD_SPEC.encode())
    assert Experiment.from_toml(spec).weeks == 4
    funnel = tmp_path / "bom_funnel.toml"
    funnel.write_bytes(BOM + GOOD_FUNNEL.encode())
    assert load_funnel(funnel).targets == {"win_rate": 0.25}
