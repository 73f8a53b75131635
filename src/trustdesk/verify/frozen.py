"""A cheaper constructor for the frozen value types built on every check.

A frozen dataclass's generated ``__init__`` stores each field with
``object.__setattr__(self, name, value)``: a generic attribute look-up per field, about
four times the cost of a plain assignment. `fast_init` replaces it, for frozen *slots*
dataclasses, with an ``__init__`` of the same signature (names, order, defaults, default
factories) that calls each slot's own descriptor directly. The instances are the same:
still frozen (assignment raises `FrozenInstanceError`), equal, hashed and printed as before.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_NO_VALUE = object()  # stands for "not given" where a field has a default factory


def fast_init(cls: type[T]) -> type[T]:
    """Give a frozen slots dataclass an equivalent, faster ``__init__`` (class decorator)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen slots dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__, which fast_init does not call")
    namespace: dict[str, Any] = {"_NO_VALUE": _NO_VALUE}
    arguments: list[str] = []
    body: list[str] = []
    for index, field in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        if not field.init or field.kw_only:
            raise TypeError(f"{cls.__name__}.{field.name}: only plain init fields are supported")
        setter = f"_set{index}"
        namespace[setter] = cls.__dict__[field.name].__set__  # the slot's member descriptor
        value = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"_default{index}"] = field.default
            arguments.append(f"{field.name}=_default{index}")
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{index}"] = field.default_factory
            arguments.append(f"{field.name}=_NO_VALUE")
            value = f"_factory{index}() if {field.name} is _NO_VALUE else {field.name}"
        else:
            arguments.append(field.name)
        body.append(f"    {setter}(self, {value})")
    source = f"def __init__(self, {', '.join(arguments)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    exec(source, namespace)  # noqa: S102 - code generated from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
