"""Options for select and radio fields in the shape WTForms asks for.

WTForms 3.3 deprecated options given as ``(value, label)`` tuples and 3.4 drops them; every form
builds its options here from the pairs it keeps as data.
"""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=label) for value, label in pairs]
