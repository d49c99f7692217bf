"""A serializer's output for one object, without building a serializer per call.

``SomeSerializer(obj).data`` deep-copies every declared field (and those of
each nested serializer) before writing a single value, and wraps the result;
for the small bodies a scorecard is made of (the numeric record, the record
under each scale, the pending-update note) that copying was most of their
cost. ``Writer(SomeSerializer)`` binds the serializer once per process and
calls its own ``to_representation``: the same fields, in the same order,
written by the same code, so the JSON is the serializer's byte for byte
(``tests/api/test_plain.py``).

Only for serializers that read nothing from their context (no request, no
hyperlinks) and keep no state between calls; ``Writer`` refuses a list
serializer with a ``to_representation`` of its own, since such one (as
``ScorecardListSerializer``) may set attributes while writing.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class Writer:
    """``serializer_class(obj).data`` (``many``: of each item), from a serializer bound once."""

    def __init__(self, serializer_class: type[serializers.BaseSerializer], *, many=False) -> None:
        self.serializer_class, self.many = serializer_class, many
        self._bound: Any = None

    def _serializer(self):
        if self._bound is None:
            bound: Any = self.serializer_class(many=self.many)
            if self.many and type(bound).to_representation is not (
                serializers.ListSerializer.to_representation
            ):
                raise TypeError(f"{type(bound).__name__} writes with state of its own")
            _ = (bound.child if self.many else bound).fields  # bind the fields once, here
            self._bound = bound
        return self._bound

    def __call__(self, obj) -> Any:
        return self._serializer().to_representation(obj)
