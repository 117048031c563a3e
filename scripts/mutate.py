"""Mutation testing of the rule modules with mutmut 3 (`make mutate`); not part of CI, it takes long.

    python scripts/mutate.py                 # every module of [tool.mutmut] only_mutate in pyproject.toml
    MUTATE_PATHS="renja/permissions.py forum/services.py" python scripts/mutate.py
    MUTATE_PATHS=forum/services.py MUTATE_NAMES="forum.services.x__ensure_draft__mutmut_*" python scripts/mutate.py
    MUTATE_PATHS=forum/services.py MUTATE_TESTS="tests/forum" python scripts/mutate.py   # only these tests run

Each run starts from a fresh `mutants/` copy (a stale copy of a file someone edited since would test old code);
with MUTATE_KEEP=1 it keeps the last one, to re-check a few mutants (MUTATE_NAMES) once tests were added (copy the
new test files into mutants/tests/ as well).
mutmut runs, for each mutant, only the fast tests (tests/ without tests/e2e) that reached the mutated function in its
first, clean run. Two things are adapted here rather than in the production code:

- mutmut skips every decorated function; the services' guards all sit in `@transaction.atomic` functions, so that
  one decorator is let through (the mutated copies keep it, which only adds a savepoint);
- the time is bounded: MUTATE_TIMEOUT seconds (default 2400) for the whole run, MUTATE_JOBS (default 2) workers;
- MUTATE_TESTS narrows the tests (mutmut first runs all of them once to learn which test reaches which function, the
  longest step of a short run); a survivor under a narrowed selection may still be killed by a test left out.

At the end it prints the score per module (killed / (killed + survived); timeouts count as killed, as mutmut counts
them) and the diff of each surviving mutant.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _patch_mutmut(only: list[str], tests: list[str]) -> None:
    """Let `@transaction.atomic` functions be mutated, restrict the modules to `only` and the tests to `tests` (when
    given)."""
    import libcst as cst
    from mutmut import configuration
    from mutmut.mutation import file_mutation

    cfg = configuration.config()
    if only:
        cfg.only_mutate = only
    if tests:
        cfg.pytest_add_cli_args_test_selection = tests

    visitor = next(
        cls for cls in vars(file_mutation).values() if isinstance(cls, type) and "_skip_node_and_children" in vars(cls)
    )
    original = visitor._skip_node_and_children

    def is_atomic(decorator: cst.Decorator) -> bool:
        d = decorator.decorator
        return (
            isinstance(d, cst.Attribute)
            and d.attr.value == "atomic"
            and isinstance(d.value, cst.Name)
            and d.value.value == "transaction"
        )

    def skip(self, node):  # noqa: ANN001, ANN202 - mutmut's own signature
        if isinstance(node, cst.FunctionDef) and node.decorators and all(map(is_atomic, node.decorators)):
            return original(self, node.with_changes(decorators=[])) or self._ignored_function_by_pragma(node)
        return original(self, node)

    def ignored_by_pragma(self, node) -> bool:  # noqa: ANN001 - `# pragma: no mutate` on the def line still counts
        from libcst.metadata import PositionProvider

        position = self.get_metadata(PositionProvider, node, None)
        if position and position.start.line in self._ignored_node_lines:
            self.ignored_functions.add(node.name.value)
            return True
        return False

    visitor._skip_node_and_children = skip
    visitor._ignored_function_by_pragma = ignored_by_pragma


def run() -> int:
    """Run mutmut in this process (its workers fork from it and inherit the patch)."""
    only = os.environ.get("MUTATE_PATHS", "").split()
    for path in only:
        if not (ROOT / path).is_file():
            sys.exit(f"MUTATE_PATHS: no such file {path}")
    if not os.environ.get("MUTATE_KEEP"):  # MUTATE_KEEP=1: re-check some mutants of the last run after adding tests
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    os.chdir(ROOT)
    # MUTATE_TESTS: pytest arguments replacing [tool.mutmut] pytest_add_cli_args_test_selection, e.g. "tests/forum"
    _patch_mutmut(only, os.environ.get("MUTATE_TESTS", "").split())
    from mutmut.__main__ import cli

    jobs = os.environ.get("MUTATE_JOBS", "2")
    names = os.environ.get("MUTATE_NAMES", "").split()  # mutant-name globs: only these functions' mutants run
    try:
        cli(["run", "--max-children", jobs, *names], standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    None: "not checked",
}


def report() -> int:
    """Print the score per module and every surviving mutant (read from mutants/**/*.meta)."""
    os.chdir(ROOT)
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        module = str(meta.relative_to("mutants"))[: -len(".meta")]
        data = json.loads(meta.read_text())
        for name, code in data.get("exit_code_by_key", {}).items():
            status = STATUS.get(code, "suspicious")
            by_module[module][status] += 1
            if status == "survived":
                survivors.append(name)
    if not by_module:
        print("No results in mutants/: run `make mutate` first.")
        return 1
    print("\nMutation score per module (killed / (killed + survived); timeouts count as killed)")
    for module, counts in sorted(by_module.items()):
        killed = counts["killed"] + counts["timeout"]
        tested = killed + counts["survived"]
        score = 100.0 * killed / tested if tested else 0.0
        rest = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in ("killed", "survived", "timeout"))
        print(f"  {module:32} {score:6.1f}%  {killed}/{tested} killed" + (f"  ({rest})" if rest else ""))
    print(f"\n{len(survivors)} surviving mutant(s)")
    mutmut = [sys.executable, "-m", "mutmut"]
    for name in survivors:
        shown = subprocess.run([*mutmut, "show", name], capture_output=True, text=True, cwd=ROOT)
        print(f"\n--- {name}\n{shown.stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(report() if sys.argv[1:] == ["report"] else run())
