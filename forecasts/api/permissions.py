"""Who may write through the API. Everyone may read."""

from __future__ import annotations

from rest_framework import permissions

from forecasts.ledger.roles import is_editor, is_resolver


def linked_author(user):
    """The Author a signed-in forecaster speaks for, or None."""
    if not user or not user.is_authenticated:
        return None
    try:
        return user.author
    except Exception:  # RelatedObjectDoesNotExist: the user is not a forecaster
        return None


class EditorsWrite(permissions.BasePermission):
    """Reads for everyone; writes for editors."""

    message = "Only editors may do this."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or is_editor(request.user)


class EditorsOrForecastersWrite(permissions.BasePermission):
    """Reads for everyone; forecasts from editors, or from forecasters as themselves."""

    message = "Only editors, or users linked to an author, may record forecasts."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_editor(request.user) or linked_author(request.user) is not None


class ResolversOnly(permissions.BasePermission):
    message = "Only resolvers may record, correct or annul resolutions."

    def has_permission(self, request, view) -> bool:
        return is_resolver(request.user)


class EditorsOnly(permissions.BasePermission):
    message = "Only editors may do this."

    def has_permission(self, request, view) -> bool:
        return is_editor(request.user)
