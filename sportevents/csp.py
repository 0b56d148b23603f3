"""The Content Security Policy header on every response (the policy is in settings.py).

django-csp builds the header anew for every response, twice (the enforced policy and the
report-only one), copying its settings each time: about 5 % of the CPU of a check-in at the
door. Here no view sets a policy of its own and no page asks for a nonce, so every response
carries the same header: it is built once per policy setting. A response that does have its
own parts (a decorator of django-csp's, a nonce) goes through django-csp unchanged.
"""

from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What a view or decorator may set on a response to change its policy (django-csp 4).
OWN_PARTS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
# Django's own error pages in DEBUG use inline code: django-csp leaves them alone.
DEBUG_PAGES = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND)
# (header, setting, the response's exemption flag, report only)
POLICIES = (
    (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
)


class CSPMiddleware(DjangoCSPMiddleware):
    _built: dict = {}  # {setting's name: (its value, the header built from it)}

    def process_response(self, request, response):
        own = any(getattr(response, name, None) is not None for name in OWN_PARTS)
        if own or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in DEBUG_PAGES:
            return response
        for header, setting, exempt, report_only in POLICIES:
            policy = getattr(settings, setting, None) or {}
            prefixes = tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
            if (
                header in response
                or getattr(response, exempt, False)
                or request.path_info.startswith(prefixes)
            ):
                continue
            if value := self._policy(setting, policy, report_only):
                response[header] = value
        # As django-csp: a nonce asked for after the header is written raises.
        request.csp_nonce = self._nonce_after_response
        return response

    @classmethod
    def _policy(cls, setting: str, policy: dict, report_only: bool) -> str:
        if not policy:
            return ""
        # Kept with the setting's value it was built from: a changed setting (a test's
        # override_settings) is another object, and is built anew.
        kept = cls._built.get(setting)
        if kept is None or kept[0] is not policy:
            kept = cls._built[setting] = (policy, build_policy(report_only=report_only))
        return kept[1]

    @property
    def _nonce_after_response(self):
        return CheckableLazyObject(self._csp_nonce_post_response)
