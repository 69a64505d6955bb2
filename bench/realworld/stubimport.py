"""Lets a project's migrations be loaded without its dependencies installed.

The real-world evaluation runs the real Alembic on public projects whose
migrations import the application (`from neutron.db import migration`) and
its dependencies (oslo, flask, ...), none of which can be installed here
(no PyPI).  The project's own modules are imported for real from its
checkout (put on sys.path by the caller), so that a constant such as
`migration.CONTRACT_BRANCH` is the project's own string; a module that
cannot be found anywhere becomes a stub whose every attribute is callable,
subclassable and iterable, so that module-level code referring to it runs.
A header value that came from a stub would not be a string: Alembic then
fails on that file, and the caller reports it rather than guessing.
"""

import importlib.abc
import importlib.machinery
import sys
import types


class StubBase:
    """What a class deriving from a stub derives from: takes any arguments."""

    def __init__(self, *args, **kwargs):
        pass

    def __init_subclass__(cls, **kwargs):
        pass

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Stub(attr)


class Stub:
    """Anything: attribute, call, base class, decorator, iterable, context."""

    def __init__(self, name="stub"):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Stub(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        # used as a decorator: give the decorated function back
        if len(args) == 1 and callable(args[0]) and not kwargs and not isinstance(args[0], Stub):
            return args[0]
        return Stub(f"{self._name}()")

    def __mro_entries__(self, bases):
        # a class deriving from stubs derives from StubBase, once
        stubs = [b for b in bases if isinstance(b, Stub)]
        derived = any(isinstance(b, type) and issubclass(b, StubBase) for b in bases)
        return (StubBase,) if stubs[0] is self and not derived else ()

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getitem__(self, key):
        return Stub(f"{self._name}[]")

    def __or__(self, other):
        return self

    __ror__ = __or__

    def __repr__(self):
        return f"<stub {self._name}>"


class _StubModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Stub(f"{self.__name__}.{attr}")


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        mod = _StubModule(spec.name)
        mod.__path__ = []          # a package: its submodules are stubs too
        return mod

    def exec_module(self, module):
        pass


class _StubFinder(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: only what no real finder found gets here."""

    def __init__(self, keep):
        self.keep = keep
        self.stubbed = set()

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in self.keep:
            return None
        self.stubbed.add(name)
        return importlib.machinery.ModuleSpec(name, _StubLoader(), is_package=True)


# never stubbed: what the evaluation itself needs for real
KEEP = {"alembic", "sqlalchemy", "mako", "json", "os", "sys", "re", "typing", "enum",
        "collections", "datetime", "decimal", "uuid", "logging", "importlib", "warnings"}


def _stubbing_import(real):
    """An __import__ that gives a stub for whatever fails to import."""

    def imp(name, globals=None, locals=None, fromlist=(), level=0):
        try:
            mod = real(name, globals, locals, fromlist, level)
        except Exception:
            mod = _StubModule(name)
            mod.__path__ = []
            return mod
        for attr in fromlist or ():
            if attr != "*" and not hasattr(mod, attr):
                try:
                    real(mod.__name__ + "." + attr, globals, locals, (), 0)
                except Exception:
                    return _Patched(mod)
        return mod

    return imp


class _Patched(types.ModuleType):
    """A real module that lacks a name a migration imports from it."""

    def __init__(self, mod):
        super().__init__(mod.__name__)
        self._mod = mod

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        try:
            return getattr(self._mod, attr)
        except AttributeError:
            return Stub(f"{self.__name__}.{attr}")


DEGRADED = []   # the migration files loaded with failing imports stubbed


def _patch_alembic_loader():
    """A migration whose imports fail is loaded again with them stubbed."""
    import builtins
    from alembic.util import pyfiles

    real_load = pyfiles.load_module_py

    def load(module_id, path):
        try:
            return real_load(module_id, path)
        except Exception:
            pass
        real = builtins.__import__
        builtins.__import__ = _stubbing_import(real)
        try:
            mod = real_load(module_id, path)
        finally:
            builtins.__import__ = real
        DEGRADED.append(path)
        return mod

    pyfiles.load_module_py = load


def install():
    finder = _StubFinder(KEEP)
    sys.meta_path.append(finder)
    _patch_alembic_loader()
    return finder
