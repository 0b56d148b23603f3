"""Email headers built from people's text (an event title, an organisation's name)."""

from django.template.loader import render_to_string


def render_subject(template: str, context: dict) -> str:
    """The subject template rendered on one line. Titles and names come from forms and the API,
    and a line break in a header would start a new header (Bcc: …): every run of white space,
    line breaks included, becomes one space. (Django would refuse such a header with
    BadHeaderError, and the email would not be sent at all.)"""
    return " ".join(render_to_string(template, context).split())
