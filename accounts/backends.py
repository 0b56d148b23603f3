from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, first among AUTHENTICATION_BACKENDS.

    A call without a request is not a login attempt from a client (Django's test client, a
    shell script), so it is not counted; axes would refuse it outright. Every view that logs
    people in passes its request (tests/security/test_authentication.py checks the code)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
