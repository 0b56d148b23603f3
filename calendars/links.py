"""Subscribe links for a feed: the address itself, webcal:// for the calendar programs that
register that scheme (Apple Calendar, Thunderbird, Outlook on the desktop), and the pages of
Google Calendar and Outlook on the web that subscribe to an address."""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings


def subscribe_links(path: str, *, name: str) -> dict[str, str]:
    https = settings.SITE_URL + path
    parts = urlsplit(https)
    webcal = urlunsplit(("webcal", *parts[1:]))
    return {
        "url": https,
        "webcal": webcal,
        # Google subscribes to the address given as `cid`; it fetches it from its own servers.
        "google": "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": https, "name": name}),
        "office": "https://outlook.office.com/calendar/0/addfromweb?"
        + urlencode({"url": https, "name": name}),
    }
