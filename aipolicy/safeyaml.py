"""YAML that users give (params, matrix and grid files), read within a budget.

YAML aliases let a few lines stand for an exponentially large document (the "billion laughs":
``a: &a [x, x]``, ``b: &b [*a, *a]``, ... nine levels are 10^9 values). PyYAML shares the
aliased objects, so loading is quick, but anything that walks or copies the result (checking
parameters, turning it into JSON) expands it without end. :func:`load` therefore measures the
document as the composed node graph, aliases counted each time they are used, and refuses it
before building any Python object when it holds more than :data:`MAX_VALUES` values or an
alias that contains itself; :func:`read` refuses a file above :data:`MAX_BYTES` before reading
it. Both limits are far above any real params, matrix or grid file (a few kilobytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aipolicy.errors import InvalidInputError

__all__ = ["MAX_BYTES", "MAX_VALUES", "load", "read"]

#: Largest file read (bytes).
MAX_BYTES = 256 * 1024
#: Most values (scalars, lists, mappings) in a document, each alias counted where it is used.
MAX_VALUES = 100_000


def read(path: str | Path) -> bytes:
    """The bytes of ``path``, refused above :data:`MAX_BYTES` before they are read.

    Raises
    ------
    OSError
        The file cannot be read (the caller words it).
    InvalidInputError
        The file is too large.
    """
    p = Path(path)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInputError(f"{size:,} bytes is above the limit of {MAX_BYTES:,} for a YAML "
                                "file of parameters or axes; write a shorter file (a volume "
                                "axis can be a range: {log_from, log_to, per_decade})",
                                field="file", value=str(p))
    with p.open("rb") as fh:
        return fh.read(MAX_BYTES + 1)


def _measure(root: Any) -> None:
    """Count the values of a composed document, aliases expanded; refuse past the budget or
    on an alias that contains itself (iteratively: deep nesting needs no deep recursion)."""
    import yaml

    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = ([c for pair in node.value for c in pair]
                    if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            if size[key] > MAX_VALUES:
                raise InvalidInputError(
                    f"the document holds more than {MAX_VALUES:,} values once its aliases "
                    f"(*name) are expanded (line {node.start_mark.line + 1}); write the values "
                    "out instead of nesting aliases", field="file")
            continue
        if key in size:
            continue
        if key in on_path:
            raise InvalidInputError(f"line {node.start_mark.line + 1}: an alias (*name) refers "
                                    "to a value that contains it; YAML values here must be "
                                    "finite", field="file")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)


def load(text: str, loader: Any = None) -> Any:
    """The YAML document in ``text`` (None when empty), measured before it is built.

    Parameters
    ----------
    text : str
        The document.
    loader : yaml.SafeLoader subclass, optional
        The loader to build it with (default ``yaml.SafeLoader``).

    Raises
    ------
    yaml.YAMLError
        Not valid YAML (the caller says where).
    InvalidInputError
        Above :data:`MAX_VALUES` values with aliases expanded, an alias that contains itself,
        or nesting deeper than Python can follow.
    """
    import yaml

    base = loader or yaml.SafeLoader
    ldr = base(text)
    try:
        node = ldr.get_single_node()
        if node is None:
            return None
        _measure(node)
        return ldr.construct_document(node)
    except RecursionError:
        raise InvalidInputError("the document is nested too deeply to read; flatten it",
                                field="file") from None
    finally:
        ldr.dispose()
