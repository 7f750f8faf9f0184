"""``scripts/emulator.py`` loaded as a module: the tests start, deploy and stop the emulator with the same code
a person runs (``scripts/`` is a folder of commands, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "emulator.py"


def load() -> ModuleType:
    name = "emulator_script"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


emulator = load()
