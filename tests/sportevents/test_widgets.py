"""The one-pass select writes the same HTML as Django's own."""

from django import forms
from django.test.html import parse_html
from django_countries import countries

from sportevents.widgets import Select


def both(value, **attrs):
    choices = [("", "All countries"), *countries]
    ours = Select(choices=choices, attrs=attrs).render("country", value)
    django = forms.Select(choices=choices, attrs=attrs).render("country", value)
    return parse_html(ours), parse_html(django)


def test_the_select_is_django_s_select_with_nothing_chosen():
    ours, django = both("")
    assert ours == django


def test_the_select_marks_the_chosen_option_and_keeps_attributes():
    ours, django = both("PT", id="id_country", required=True)
    assert ours == django
    assert str(ours).count("selected") == 1


def test_the_select_escapes_labels():
    html = Select(choices=[("x", "<b>Bold & brave</b>")]).render("kind", "x")
    assert "&lt;b&gt;Bold &amp; brave&lt;/b&gt;" in html
