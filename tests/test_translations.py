"""Every user-facing string is translated into each site language, and the compiled files match.

A failure here after you added or changed a string means: follow locale/README.md (regenerate with
`DEBUG=1 make messages`, translate the msgids listed in the failure, compile, commit .po and .mo).
"""

import gettext as gnu_gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# Every site language except the source language, English: de, es, fr, tr.
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
HOW_TO_FIX = (
    "How to fix: see locale/README.md (DEBUG=1 make messages, translate, compile, "
    "commit both .po and .mo)."
)

# The EU funding statement beside the emblem, in the wording the EU uses for each language.
EU_LABEL = "Co-funded by the European Union"
OFFICIAL_EU_LABEL = {
    "de": "Kofinanziert von der Europäischen Union",
    "es": "Cofinanciado por la Unión Europea",
    "fr": "Cofinancé par l’Union européenne",
    "tr": "Avrupa Birliği tarafından ortaklaşa finanse edilmektedir",
}

# printf-style directives as Python's % operator reads them: %(name)s, %s, %d, %.2f, ...
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[a-zA-Z%])"
)
# Numbers for which every plural form of the four languages is used at least once.
SAMPLE_NUMBERS = (*range(0, 111), 1000, 1_000_000, 2_000_000)
MAKEMESSAGES_IGNORE = [".venv", "node_modules", "tests"]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def load_po(lang: str) -> polib.POFile:
    path = po_path(lang)
    assert path.exists(), f"{lang}: {path.relative_to(LOCALE_DIR.parent)} is missing. {HOW_TO_FIX}"
    return polib.pofile(str(path))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def plural_function(po: polib.POFile):
    """The plural rule of the catalogue's header, as a function from n to a form index."""
    header = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", header)
    assert match, f"Plural-Forms header missing or malformed: {header!r}"
    return int(match.group(1)), gnu_gettext.c2py(match.group(2))


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text) if m.group("type") != "%"}


def describe(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}"


def failure(lang: str, problem: str, items: list[str]) -> str:
    listed = "\n".join(f"  - {item}" for item in items)
    where = po_path(lang).relative_to(LOCALE_DIR.parent)
    return f"{lang}: {len(items)} {problem} in {where}:\n{listed}\n{HOW_TO_FIX}"


def test_every_site_language_has_a_catalogue():
    assert LANGUAGES, "settings.LANGUAGES lists no language besides English"
    missing = [lang for lang in LANGUAGES if not po_path(lang).exists()]
    assert not missing, f"No catalogue for {missing}. {HOW_TO_FIX}"
    missing_label = [lang for lang in LANGUAGES if lang not in OFFICIAL_EU_LABEL]
    assert not missing_label, (
        f"Add the EU's official '{EU_LABEL}' wording for {missing_label} to OFFICIAL_EU_LABEL."
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header(lang):
    po = load_po(lang)
    assert not po.metadata_is_fuzzy, f"{lang}: the catalogue header is marked fuzzy. {HOW_TO_FIX}"
    assert po.metadata.get("Language") == lang, (
        f"{lang}: header says Language: {po.metadata.get('Language')!r}"
    )
    content_type = po.metadata.get("Content-Type", "").lower()
    assert "charset=utf-8" in content_type, f"{lang}: Content-Type is {content_type!r}, not UTF-8"
    nplurals, plural = plural_function(po)
    forms = {plural(n) for n in SAMPLE_NUMBERS}
    assert forms == set(range(nplurals)), (
        f"{lang}: Plural-Forms {po.metadata['Plural-Forms']!r} gives forms {sorted(forms)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    po = load_po(lang)
    nplurals, _plural = plural_function(po)
    untranslated, fuzzy = [], []
    for entry in live_entries(po):
        if "fuzzy" in entry.flags:
            fuzzy.append(describe(entry))
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            empty = [n for n in range(nplurals) if not forms.get(n)]
            if empty:
                untranslated.append(f"{describe(entry)} (plural, msgstr{empty} empty)")
        elif not entry.msgstr:
            untranslated.append(describe(entry))
    assert not untranslated, failure(lang, "untranslated msgid(s)", untranslated)
    assert not fuzzy, failure(
        lang, "fuzzy entry(ies): check each, fix it, delete its '#, fuzzy' line", fuzzy
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    """A lost %(name)s drops information; an unknown one crashes the page with KeyError."""
    po = load_po(lang)
    _nplurals, plural = plural_function(po)
    problems = []
    for entry in live_entries(po):
        if "python-format" not in entry.flags:
            continue
        singular = placeholders(entry.msgid)
        if entry.msgid_plural:
            every = singular | placeholders(entry.msgid_plural)
            for form, text in sorted(entry.msgstr_plural.items()):
                if not text:
                    continue
                # A form used for n == 1 alone may say "one" instead of %(counter)s; a form
                # used for any other n (French and Turkish use form 0 for n == 0 too) may not.
                numbers = {n for n in SAMPLE_NUMBERS if plural(n) == form}
                required = singular if numbers <= {1} else every
                found = placeholders(text)
                if required - found or found - every:
                    problems.append(
                        f"{describe(entry)} msgstr[{form}] {text!r}: "
                        f"missing {sorted(required - found)}, unknown {sorted(found - every)}"
                    )
        elif entry.msgstr:
            found = placeholders(entry.msgstr)
            if found != singular:
                problems.append(
                    f"{describe(entry)} -> {entry.msgstr!r}: "
                    f"missing {sorted(singular - found)}, unknown {sorted(found - singular)}"
                )
    assert not problems, failure(lang, "placeholder mismatch(es)", problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_mo_matches_po(lang):
    po = load_po(lang)
    _nplurals, plural = plural_function(po)
    mo_file = po_path(lang).with_suffix(".mo")
    assert mo_file.exists(), (
        f"{lang}: {mo_file.relative_to(LOCALE_DIR.parent)} is missing. {HOW_TO_FIX}"
    )
    with mo_file.open("rb") as handle:
        mo = gnu_gettext.GNUTranslations(handle)
    stale = []
    for entry in live_entries(po):
        if "fuzzy" in entry.flags:
            continue  # compiled files leave fuzzy entries out; the test above reports them
        context = entry.msgctxt
        if entry.msgid_plural:
            for n in (0, 1, 2, 5, 21, 1_000_000):
                expected = entry.msgstr_plural.get(plural(n)) or (
                    entry.msgid if n == 1 else entry.msgid_plural
                )
                if context:
                    got = mo.npgettext(context, entry.msgid, entry.msgid_plural, n)
                else:
                    got = mo.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != expected:
                    stale.append(f"{describe(entry)} n={n}: .mo has {got!r}, .po has {expected!r}")
        else:
            expected = entry.msgstr or entry.msgid
            got = mo.pgettext(context, entry.msgid) if context else mo.gettext(entry.msgid)
            if got != expected:
                stale.append(f"{describe(entry)}: .mo has {got!r}, .po has {expected!r}")
    assert not stale, failure(lang, "entry(ies) where the compiled .mo is out of date", stale)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_eu_label_is_translated(lang):
    with translation.override(lang):
        label = translation.gettext(EU_LABEL)
    assert label != EU_LABEL, f"{lang}: '{EU_LABEL}' is shown in English. {HOW_TO_FIX}"
    assert label == OFFICIAL_EU_LABEL[lang], (
        f"{lang}: '{EU_LABEL}' reads {label!r}; the EU's wording is {OFFICIAL_EU_LABEL[lang]!r}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/catalogue/"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_are_served_in_the_chosen_language(client, lang, path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    # The middleware activates the language in this thread; give it back afterwards.
    with translation.override(settings.LANGUAGE_CODE):
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html, f"{lang}: {path} is not served in {lang}"
    label = OFFICIAL_EU_LABEL[lang]
    assert label in html or escape(label) in html, (
        f"{lang}: {path} does not show the EU label {label!r}"
    )


def test_catalogues_list_every_string_in_the_code(tmp_path):
    """Strings added to templates or code without regenerating the catalogues are caught here."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge") and shutil.which("msguniq")):
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            *MAKEMESSAGES_IGNORE,
            ".git",
            "staticfiles",
            "media",
            "*.sqlite3",
            "__pycache__",
            ".*_cache",
            "*.egg-info",
            "*.mo",
        ),
    )
    command = [sys.executable, "manage.py", "makemessages", "--keep-pot", "-l", LANGUAGES[0]]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    run = subprocess.run(command, cwd=copy, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"
    in_code = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale" / "django.pot"))}
    problems = []
    for lang in LANGUAGES:
        in_po = {(e.msgctxt, e.msgid) for e in live_entries(load_po(lang))}
        new = sorted(repr(msgid) for _ctx, msgid in in_code - in_po)
        gone = sorted(repr(msgid) for _ctx, msgid in in_po - in_code)
        if new:
            problems.append(failure(lang, "string(s) in the code but not in the catalogue", new))
        if gone:
            problems.append(failure(lang, "string(s) in the catalogue no longer in the code", gone))
    assert not problems, "\n\n".join(problems)
