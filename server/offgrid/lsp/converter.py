"""The cattrs converter for incoming messages: pygls' own, made strict about JSON types.

cattrs' default hooks call `int(x)` and `str(x)`, so `"line": "3"` became 3 and `"line": 2.7` became 2: the server
then applied edits the client never described. A value of the wrong JSON type is now an invalid-params error.
"""

from typing import Any

from cattrs import Converter
from pygls.protocol import default_converter


def _strict_int(value: Any, _type: type) -> int:
    if type(value) is not int:  # bool is an int subclass, and true is not a line number
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _strict_str(value: Any, _type: type) -> str:
    if type(value) is not str:
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _strict_bool(value: Any, _type: type) -> bool:
    if type(value) is not bool:
        raise TypeError(f"expected a boolean, got {type(value).__name__}")
    return value


def _strict_float(value: Any, _type: type) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def strict_converter() -> Converter:
    """pygls' converter with type-checking hooks for JSON's scalar types."""
    converter = default_converter()
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(float, _strict_float)
    return converter
