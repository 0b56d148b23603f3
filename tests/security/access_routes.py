"""Every route the project answers, with the HTTP methods its view answers: the URLconf's, and
the paths a middleware answers itself (named by their path).

Methods come from the view itself: a DRF view's handlers (a viewset's actions), a class-based
view's handlers, or the method list of `require_http_methods` (and `require_POST`, `require_safe`)
anywhere in a function view's decorators. A function view without one answers any method; the
matrix must then list GET and POST, the method that may write.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from sportevents.health import PROBES

ANY = frozenset({"GET", "POST"})  # what the matrix must cover for an unrestricted function view
IGNORED = {"HEAD", "OPTIONS", "TRACE"}  # answered by the framework, never a write


@dataclass(frozen=True)
class Found:
    name: str  # "namespace:name", or the pattern for an unnamed route
    pattern: str  # the full pattern, for messages
    methods: frozenset[str]
    restricted: bool  # False: a function view that answers any method
    format_twin: bool  # DRF's `.json` twin of a router route


def _view_methods(callback) -> tuple[frozenset[str], bool]:
    actions = getattr(callback, "actions", None)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if actions is not None:  # a viewset: the actions it was bound with that the class allows
        allowed = {m.upper() for m in cls.http_method_names}
        return frozenset(m.upper() for m in actions if m.upper() in allowed) - IGNORED, True
    if cls is not None:
        return (
            frozenset(m.upper() for m in cls.http_method_names if hasattr(cls, m)) - IGNORED,
            True,
        )
    function = callback
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(m.upper() for m in cell.cell_contents) - IGNORED, True
        function = getattr(function, "__wrapped__", None)
    return ANY, False


def all_routes():
    """The URLconf's routes, then the paths a middleware answers before the URLconf is asked."""
    yield from _resolved()
    for path in PROBES:  # the load balancer's health probes: GET and HEAD only
        yield Found(path, path, frozenset({"GET"}), restricted=True, format_twin=False)


def _resolved(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _resolved(pattern, prefix + str(pattern.pattern), inner)
            continue
        assert isinstance(pattern, URLPattern)
        route = prefix + str(pattern.pattern)
        methods, restricted = _view_methods(pattern.callback)
        yield Found(
            name=f"{namespace}{pattern.name}" if pattern.name else route,
            pattern=route,
            methods=methods,
            restricted=restricted,
            format_twin="(?P<format>" in route or "<drf_format_suffix:format>" in route,
        )
