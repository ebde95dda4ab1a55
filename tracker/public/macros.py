"""NHS.UK macros rendered once for each set of parameters, not once for each use.

The NHS.UK frontend macros are pure: what they write depends only on the parameters
they are given. Some are slow, as they build their markup through several layers of
macros and indenting filters: the date inputs of a list's filter form cost more than
the list's database queries did. A list page draws the same form, the same tags and
the same menus on every request, so each distinct call is rendered once per process
and then reused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

#: Distinct calls kept; past this the store starts again (people's typed filter
#: values make new ones, so it must not grow without end).
MAX_REMEMBERED = 2_000

_remembered: dict[tuple[str, str], Markup] = {}
_lock = threading.Lock()


def rendered_once(name: str, macro: Callable[[Any], Any], params: Mapping[str, Any]) -> Any:
    """``macro(params)``, from memory when the same macro (known as ``name``) has been
    called with equal parameters before.

    Only for macros whose markup depends on nothing but ``params``: the NHS.UK
    components, and our own macros that only pass parameters on to one.
    """
    key = (name, parameters_key(params))
    found = _remembered.get(key)
    if found is not None:
        return found
    rendered = macro(params)
    if not isinstance(rendered, Markup):
        # Rendered without autoescaping: not the HTML this memory is for.
        return rendered
    with _lock:
        if len(_remembered) >= MAX_REMEMBERED:
            _remembered.clear()
        _remembered[key] = rendered
    return rendered


def parameters_key(params: Mapping[str, Any]) -> str:
    """Text that is equal for two sets of parameters only when a macro given either
    would write the same markup.

    ``repr`` keeps markup apart from text that looks the same (``Markup('<b>')``
    against ``'<b>'``: a macro escapes the one and not the other), and a number
    apart from its digits as text. It is the cheapest such key by far: converting
    the parameters first cost more than a select's whole rendering. Parameters
    written in another order make another key, which costs a second rendering,
    never a wrong one.
    """
    return repr(params)
