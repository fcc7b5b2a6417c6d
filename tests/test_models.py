import hashlib
from dataclasses import replace

import pytest

from extract import models
from extract.models import ModelError


def test_registry_is_data_with_one_default():
    specs = models.registry()
    assert len(specs) >= 2
    assert [s.name for s in specs.values() if s.default] == ["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    for spec in specs.values():
        assert len(spec.sha256) == 64 and spec.size > 0 and spec.parts >= 1 and "{n}" in spec.package


def test_missing_packages_name_the_package_and_the_fix(monkeypatch):
    spec = replace(models.default_model(), package="sitrep_no_such_part{n}", distribution="no-such-part{n}==1")
    with pytest.raises(ModelError, match=r"no-such-part1==1 is not installed.*make install"):
        models.part_files(spec)


def test_assembly_verifies_the_hash_and_rejects_corruption(tmp_path, monkeypatch):
    parts = [tmp_path / f"p{i}.bin" for i in range(3)]
    for i, p in enumerate(parts):
        p.write_bytes(bytes([i]) * 1000)
    blob = b"".join(p.read_bytes() for p in parts)
    good = replace(models.default_model(), name="tiny", size=len(blob), sha256=hashlib.sha256(blob).hexdigest())
    monkeypatch.setenv("SITREP_MODEL_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(models, "part_files", lambda spec: parts)
    path = models.ensure_model(good)
    assert path.read_bytes() == blob and path.parent == tmp_path / "cache"
    parts[1].write_bytes(b"x" * 1000)  # a damaged part: the cached copy stays trusted…
    assert models.ensure_model(good) == path
    path.unlink()  # …until it is gone, then the rebuild is checked and refused
    with pytest.raises(ModelError, match="expected .*reinstall"):
        models.ensure_model(good)
    assert not path.exists() and not path.with_suffix(".part").exists()
