from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import elshi.sources


def test_importing_every_module_loads_no_django() -> None:
    modules = [m.name for m in pkgutil.iter_modules(elshi.sources.__path__, "elshi.sources.")]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))\n"
        "print('ok', len(sys.argv))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout
    assert len(modules) > 15


def test_every_module_declares_its_public_names() -> None:
    for info in pkgutil.iter_modules(elshi.sources.__path__, "elshi.sources."):
        module = importlib.import_module(info.name)
        assert hasattr(module, "__all__"), info.name
        for name in module.__all__:
            assert hasattr(module, name), (info.name, name)
