from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

#: Largest district file accepted through the web page (the CLI accepts up to 50 MB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (".yaml", ".yml", ".json")


class DistrictUploadForm(forms.Form):
    """A district file to import; the checks here are about the upload, not the content."""

    file = forms.FileField(
        label=_("District file"),
        help_text=_("YAML or JSON, format ecodistrict/1, UTF-8, at most 10 MB."),
    )
    replace = forms.BooleanField(
        label=_("Replace the district of the same name, if there is one"),
        required=False,
    )

    #: The file's content, decoded, once the form is valid.
    text: str = ""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = upload.name or ""
        if PurePath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                _("The file must end in .yaml, .yml or .json (got '%(name)s')."),
                code="extension",
                params={"name": name},
            )
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        upload.seek(0)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("The file is not UTF-8 text (byte %(byte)d cannot be read)."),
                code="encoding",
                params={"byte": exc.start},
            ) from None
        return upload


def _no_control_characters(value: str) -> None:
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        raise forms.ValidationError(
            _("Control characters are not allowed here."), code="control_characters"
        )


class FlowEditForm(forms.Form):
    """The corrections a firm may make to one of its declared flows; the rules of the district
    file are checked by the service (``services.update_flow``)."""

    description = forms.CharField(
        label=_("description"), max_length=500, validators=[_no_control_characters]
    )
    quantity = forms.FloatField(label=_("quantity"), min_value=0)
    unit = forms.CharField(label=_("unit"), max_length=40, validators=[_no_control_characters])
    ewc = forms.CharField(
        label=_("EWC code"),
        max_length=20,
        required=False,
        validators=[_no_control_characters],
        help_text=_("Wastes only, e.g. 10 12 08."),
    )
    temperature_c = forms.FloatField(
        label=_("temperature (°C)"), required=False, min_value=-273.15, max_value=2000
    )
