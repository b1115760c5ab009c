from django.contrib.auth.backends import ModelBackend


class OrganisationUserBackend(ModelBackend):
    """Django's model backend, refusing accounts whose time-limited access has ended."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.access_has_expired
