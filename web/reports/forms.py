from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecodistrict_web.reports.models import ReportFormat

LANGUAGE_CHOICES = [("it", "Italiano"), ("en", "English")]
#: Ids beyond a 32-bit integer are refused by the form (SQLite would overflow on them).
MAX_ID = 2**31 - 1


class CompanyReportForm(forms.Form):
    company = forms.IntegerField(min_value=1, max_value=MAX_ID, label=_("Firm"))
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="it", label=_("Language"))
    # The same template gives the PDF and the page to read in the browser.
    output_format = forms.ChoiceField(
        choices=[(ReportFormat.PDF, "PDF"), (ReportFormat.HTML, "HTML")],
        initial=ReportFormat.PDF,
        required=False,
        label=_("Format"),
    )


class DistrictReportForm(forms.Form):
    district = forms.IntegerField(min_value=1, max_value=MAX_ID, label=_("District"))
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="it", label=_("Language"))
    output_format = forms.ChoiceField(
        choices=[
            (ReportFormat.PDF, "PDF"),
            (ReportFormat.HTML, "HTML"),
            (ReportFormat.MARKDOWN, "Markdown"),
        ],
        initial=ReportFormat.PDF,
        label=_("Format"),
    )
    ranking_run = forms.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=_("Adopted ranking")
    )
    settlement_run = forms.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=_("Chosen settlement scenario")
    )


class OpenDataForm(forms.Form):
    district = forms.IntegerField(min_value=1, max_value=MAX_ID, label=_("District"))
