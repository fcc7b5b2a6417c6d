"""No import cycles among the project's modules (issue 10, item 5).

Imports inside functions count too: a lazy import hides a cycle at start-up but keeps the two modules
tangled. Imports under `if TYPE_CHECKING:` do not (they never run). The graph is grimp's, the library
behind import-linter.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

PACKAGES = ("extract", "schemas", "evals")


def cycles(*packages: str) -> list[list[str]]:
    """One shortest cycle through each import that closes one, each cycle reported once."""
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True, cache_dir=None)
    found: dict[frozenset[str], list[str]] = {}
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                found.setdefault(frozenset(chain), [module, *chain])
    return list(found.values())


def test_the_project_has_no_import_cycle():
    assert cycles(*PACKAGES) == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles(*PACKAGES))


@pytest.fixture
def tangled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package whose two modules import each other, one of them inside a function."""
    pkg = tmp_path / "tangled_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from tangled_pkg import b\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                              "    from tangled_pkg import c\n\n\ndef f():\n    from tangled_pkg import a\n")
    (pkg / "c.py").write_text("from tangled_pkg import b\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "tangled_pkg"


def test_the_check_finds_a_cycle_hidden_in_a_function_but_not_one_through_type_checking(tangled):
    assert cycles(tangled) == [["tangled_pkg.a", "tangled_pkg.b", "tangled_pkg.a"]]
