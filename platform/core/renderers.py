"""The REST API's JSON renderer: DRF's, with orjson doing the encoding.

The standard library's encoder was about a tenth of serving a page of the PI list (~50 KB;
issue #16, P6). The output is the same JSON DRF writes: UTF-8, compact, UTC datetimes ending
in `Z`, and anything orjson does not know natively (Decimal, lazy strings, querysets, ...)
converted by DRF's own encoder. A browsable `indent` request, an integer wider than 64 bits
or anything else orjson refuses falls back to DRF's renderer, which answers as it always did.
"""

from __future__ import annotations

import json

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
_DRF_DEFAULT = JSONEncoder().default
# DRF escapes these two (valid JSON, but line terminators in JavaScript source).
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class EncodedJson:
    """An answer already encoded by this renderer (a cached read, `core.cached_reads`): given
    back as it is, or decoded again when a client asks for indented JSON."""

    __slots__ = ("body",)

    def __init__(self, body: bytes):
        self.body = body


class ApiJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, EncodedJson):
            if not self.get_indent(accepted_media_type, renderer_context or {}):
                return data.body
            data = json.loads(data.body)
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_DRF_DEFAULT, option=_OPTIONS)
        except (TypeError, orjson.JSONEncodeError):
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body
