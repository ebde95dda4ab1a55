"""Share Pango's context, font descriptions and line metrics between WeasyPrint's text layouts.

WeasyPrint makes a new Pango layout for every piece of text it lays out and
makes it again to draw it: about 31,000 for the board report of about 1,000
open commitments (17,000 while laying the pages out, 14,000 while drawing them).
For each one its ``Layout.setup`` made a new Pango context, a new font
description and, for underlined text such as every link, asked Pango for the
font's metrics, although a document has a handful of each: one context per
language and direction, one description per font and size. That was about a
second of CPU for that report, more than a tenth of WeasyPrint's time.

:func:`share_text_layout_setup` puts the same steps in place of ``Layout.setup``,
with the context, the font description and the metrics kept per document (on
its font configuration, which lives exactly as long as the document) and
reused for every layout with the same language, direction and font. Each
layout still gets its own Pango layout and attribute list, as before, so
nothing one layout changes reaches another. The PDF is the same, byte for byte.

The replacement is a copy of WeasyPrint 70's ``Layout.setup``, so it is put in
place only when WeasyPrint's own is exactly the code it was copied from (the
hash of its source, :data:`WEASYPRINT_SETUP_SHA256`); after an upgrade that
changed it, WeasyPrint's own runs, unchanged, until this copy is brought up to
date with it and the hash renewed.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description
from weasyprint.text.line_break import Layout

#: SHA-256 of the source of WeasyPrint 70.0's ``Layout.setup``, which the setup here copies.
WEASYPRINT_SETUP_SHA256 = "fb227a55094f41d42fbd57f180d8b7a9a1e741969ec8ddb3fd5cd80920257442"

#: The style properties :func:`weasyprint.text.fonts.get_font_description` reads.
FONT_DESCRIPTION_PROPERTIES = (
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_size",
    "font_variant_caps",
    "font_variation_settings",
)

#: Where the shared objects are kept on a document's ``FontConfiguration``.
SHARED_ATTRIBUTE = "_tracker_shared_text_setup"


#: A font's ascent, underline position, strikethrough position, underline thickness and
#: strikethrough thickness, in CSS pixels, as ``Layout.setup`` sets them for decorated text.
Metrics = tuple[float, float, float, float, float]


class _Shared:
    """The Pango objects one document's text layouts share."""

    def __init__(self) -> None:
        #: (direction, language) -> (Pango context, Pango language).
        self.contexts: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        #: The font properties' values -> Pango font description.
        self.descriptions: dict[tuple[Any, ...], Any] = {}
        #: (direction, language, font key) -> the font's :data:`Metrics`.
        self.metrics: dict[tuple[Any, ...], Metrics] = {}


def _shared(font_config: Any) -> _Shared:
    shared: _Shared | None = getattr(font_config, SHARED_ATTRIBUTE, None)
    if shared is None:
        shared = _Shared()
        setattr(font_config, SHARED_ATTRIBUTE, shared)
    return shared


def _language(style: Any) -> str | None:
    if style["font_language_override"] != "normal":
        override = style["font_language_override"]
        return str(LST_TO_ISO.get(override.lower(), override))
    return style["lang"] or None


def _context(shared: _Shared, font_map: Any, direction: str, language: str | None) -> Any:
    key = (direction, language)
    found = shared.contexts.get(key)
    if found is None:
        context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, PANGO_DIRECTION[direction])
        if language:
            language_p, _ = unicode_to_char_p(language)
            pango_language = pango.pango_language_from_string(language_p)
            pango.pango_context_set_language(context, pango_language)
        else:
            pango_language = pango.pango_language_get_default()
        found = shared.contexts[key] = (context, pango_language)
    return found


def _font_key(style: Any) -> tuple[Any, ...] | None:
    """The values the font description is made from, or None when one cannot be a key."""
    values = tuple(
        tuple(value) if isinstance(value, list) else value
        for value in (style[name] for name in FONT_DESCRIPTION_PROPERTIES)
    )
    try:
        hash(values)
    except TypeError:
        return None
    return values


def _metrics(context: Any, description: Any, language: Any) -> Metrics:
    metrics = ffi.gc(
        pango.pango_context_get_metrics(context, description, language),
        pango.pango_font_metrics_unref,
    )
    return (
        FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics),
        FROM_UNITS * pango.pango_font_metrics_get_underline_position(metrics),
        FROM_UNITS * pango.pango_font_metrics_get_strikethrough_position(metrics),
        FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(metrics),
        FROM_UNITS * pango.pango_font_metrics_get_strikethrough_thickness(metrics),
    )


def shared_setup(self: Layout, style: Any) -> None:
    """WeasyPrint 70's ``Layout.setup``, with the Pango context, font and metrics shared."""
    self.style = style
    self.first_line_direction = 0

    font_config = style.font_config
    shared = _shared(font_config)
    direction = style["direction"]
    language = _language(style)
    context, self.language = _context(shared, font_config.font_map, direction, language)

    assert not isinstance(style["font_family"], str), "font_family should be a list"
    font_key = _font_key(style)
    description = None if font_key is None else shared.descriptions.get(font_key)
    if description is None:
        description = get_font_description(style)
        if font_key is not None:
            shared.descriptions[font_key] = description
    self.layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, description)

    if style["text_decoration_line"] != "none":
        metrics_key = None if font_key is None else (direction, language, font_key)
        found = None if metrics_key is None else shared.metrics.get(metrics_key)
        metrics = found or _metrics(context, description, self.language)
        if found is None and metrics_key is not None:
            shared.metrics[metrics_key] = metrics
        (
            self.ascent,
            self.underline_position,
            self.strikethrough_position,
            self.underline_thickness,
            self.strikethrough_thickness,
        ) = metrics
    else:
        self.ascent = None
        self.underline_position = None
        self.strikethrough_position = None

    features = font_features(
        style["font_kerning"],
        style["font_variant_ligatures"],
        style["font_variant_position"],
        style["font_variant_caps"],
        style["font_variant_numeric"],
        style["font_variant_alternates"],
        style["font_variant_east_asian"],
        style["font_feature_settings"],
    )
    if features:
        key = ",".join(f"{name} {value}" for name, value in features.items()).encode()
        # WeasyPrint keeps one attribute per set of features on the font configuration.
        attribute = font_config.font_features.get(key)
        if attribute is None:
            attribute = font_config.font_features[key] = pango.pango_attr_font_features_new(key)
        attributes = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attributes, attribute)
        pango.pango_layout_set_attributes(self.layout, attributes)


def weasyprint_setup_is_the_copied_one() -> bool:
    """Whether WeasyPrint's own ``Layout.setup`` is the code :func:`shared_setup` copies."""
    setup = getattr(Layout, "_tracker_stock_setup", Layout.setup)
    try:
        source = inspect.getsource(setup)
    except (OSError, TypeError):
        return False
    return hashlib.sha256(source.encode()).hexdigest() == WEASYPRINT_SETUP_SHA256


def share_text_layout_setup() -> bool:
    """Put :func:`shared_setup` in place of WeasyPrint's ``Layout.setup``; True if it is.

    Does nothing when WeasyPrint's own is not the code it copies (see the module's notes).
    """
    if Layout.setup is shared_setup:
        return True
    if not weasyprint_setup_is_the_copied_one():
        return False
    Layout._tracker_stock_setup = Layout.setup
    Layout.setup = shared_setup
    return True
