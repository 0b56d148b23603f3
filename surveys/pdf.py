"""The impact report as a PDF: the published figures of one snapshot, table by table, with the
caveats and the notes on hidden figures. Same fonts as the tickets (registrations/pdf.py)."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from registrations.pdf import FONT, FONTS, INK, MARGIN, MUTED, RULE
from surveys.display import display

LABEL_SHARE = 0.34  # of the text width, for the row labels


def _document(title: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(_("Impact report: %(title)s") % {"title": title})
    pdf.set_lang(get_language() or "en")
    pdf.set_creator("sportevents")
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, color=INK) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, table) -> None:
    _text(pdf, table.title, size=11, bold=True)
    headings = [table.dimension, *table.columns]
    rows = [[row.label, *row.texts] for row in table.rows]
    if table.total:
        rows.append([_("Total"), *table.total])
    width = pdf.w - 2 * MARGIN
    label = width * LABEL_SHARE if len(headings) > 2 else width * 0.6
    other = (width - label) / max(1, len(headings) - 1)
    pdf.set_draw_color(*RULE)
    with pdf.table(
        col_widths=(label, *([other] * (len(headings) - 1))),
        text_align=("LEFT", *(["RIGHT"] * (len(headings) - 1))),
        line_height=4.2,
        first_row_as_headings=True,
        borders_layout="HORIZONTAL_LINES",
    ) as grid:
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*INK)
        for values in [headings, *rows]:
            line = grid.row()
            for value in values:
                line.cell(str(value))
    for note in table.flags:
        _text(pdf, note, size=7.5, color=MUTED)
    pdf.ln(3)


def report_pdf(report: dict, *, title: str, published: str) -> bytes:
    shown = display(report)
    pdf = _document(title)
    _text(pdf, _("Impact report"), size=9, color=MUTED)
    _text(pdf, title, size=18, bold=True)
    _text(pdf, _("Published on %(date)s") % {"date": published}, size=9, color=MUTED)
    versions = "; ".join(
        f"{kind}: {', '.join(found)}" for kind, found in shown["instrument_versions"].items()
    )
    _text(
        pdf,
        _("Closed survey waves: %(waves)s. Instrument versions: %(versions)s.")
        % {"waves": ", ".join(shown["waves"]) or "–", "versions": versions or "–"},
        size=9,
        color=MUTED,
    )
    pdf.ln(3)
    _text(
        pdf,
        _(
            "Groups of fewer than %(threshold)s people are not shown and counts are rounded to "
            "the nearest 5, so that no one can be recognised."
        )
        % {"threshold": shown["threshold"]},
        size=9,
    )
    pdf.ln(2)
    for section in shown["sections"]:
        _text(pdf, section.title, size=14, bold=True)
        pdf.ln(1)
        for table in section.tables:
            _table(pdf, table)
    _text(pdf, _("Precision"), size=14, bold=True)
    _text(
        pdf,
        _("Smallest change the paired answers can detect (d_z): %(value)s")
        % {"value": shown["precision"]["smallest_detectable_d_z"]},
        size=9,
    )
    if shown["precision"]["low_precision"]:
        _text(pdf, _("Fewer than 30 people answered both times: low precision."), size=9)
    pdf.ln(3)
    _text(pdf, _("Read these figures with care"), size=14, bold=True)
    for caveat in shown["caveats"]:
        _text(pdf, f"• {caveat}", size=9)
    pdf.ln(2)
    _text(
        pdf,
        _(
            "WHO-5 Well-Being Index © Psychiatric Centre North Zealand. Self-rated health: "
            "EU-SILC. Activity limitation: GALI. Loneliness: UCLA 3-item scale."
        ),
        size=7.5,
        color=MUTED,
    )
    return bytes(pdf.output())
