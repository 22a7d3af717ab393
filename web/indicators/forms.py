from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: Largest indicator set file accepted (the text area has the same limit, in characters).
MAX_SET_BYTES = 1024 * 1024
ALLOWED_EXTENSIONS = (".yaml", ".yml")


class IndicatorSetForm(forms.Form):
    """A new version of the indicator set: YAML edited in the text area, or uploaded."""

    text = forms.CharField(
        label=_("Indicator set (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_(
            "Change the definitions or targets and raise 'version': a published version never "
            "changes, a new number makes a new version."
        ),
    )
    file = forms.FileField(
        label=_("…or upload a YAML file"),
        required=False,
        help_text=_("If given, the file is used instead of the text above. UTF-8, at most 1 MB."),
    )

    #: The YAML text to save, once the form is valid.
    yaml_text: str = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            name = upload.name or ""
            if PurePath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
                raise forms.ValidationError(
                    _("The file must end in .yaml or .yml (got '%(name)s')."),
                    code="extension",
                    params={"name": name},
                )
            upload.seek(0)
            data = upload.read(MAX_SET_BYTES + 1)
            if len(data) > MAX_SET_BYTES:
                raise forms.ValidationError(_("The file is larger than 1 MB."), code="too_large")
            try:
                self.yaml_text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text (byte %(byte)d cannot be read)."),
                    code="encoding",
                    params={"byte": exc.start},
                ) from None
        else:
            self.yaml_text = cleaned.get("text") or ""
        if not self.yaml_text.strip():
            raise forms.ValidationError(_("Write the set in the text area or upload a file."))
        return cleaned


class RecomputeForm(forms.Form):
    """Which district to recompute ("Ricalcola indicatori")."""

    district = forms.IntegerField(widget=forms.HiddenInput)
