"""A stand-in for the `cryptography` package, shipped in PyRoad's cloud group.

The real package is compiled (Rust), so it can't ship as pure Python. moto, the fake AWS the
cloud lesson uses, imports parts of it when it loads (for EC2 key pairs, IAM certificates and
the like), but the lesson's S3, DynamoDB, SQS, IAM and EC2 calls never use them. Every
`cryptography.…` module imports here, and any of its names can be looked up, subclassed, used
in an annotation or named in an `except` clause (each is an Exception subclass, so that
`except InvalidSignature:` works); calling one raises NotImplementedError.
"""

import importlib.abc
import importlib.util
import sys

MESSAGE = (
    "{} needs the cryptography package, which isn't available in this browser page: "
    "PyRoad ships a stand-in so that moto can load. Use a computer with `pip install "
    "cryptography` for this call."
)


class _Unavailable(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Unavailable(f"{cls.__name__}.{name}", (Exception,), {"__module__": cls.__module__})

    def __call__(cls, *args, **kwargs):
        raise NotImplementedError(MESSAGE.format(f"{cls.__module__}.{cls.__qualname__}"))


def _missing(module):
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Unavailable(name, (Exception,), {"__module__": module})

    return __getattr__


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes every `cryptography.<sub>.<module>` an empty package of stand-ins."""

    def find_spec(self, name, path=None, target=None):
        if name.startswith(__name__ + "."):
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def exec_module(self, module):
        module.__getattr__ = _missing(module.__name__)


__getattr__ = _missing(__name__)
__version__ = "0+pyroad.stand-in"
sys.meta_path.append(_Finder())
