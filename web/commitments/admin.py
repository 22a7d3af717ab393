"""Texts, signatures and commitments in the admin: read-only (written by ``services.py``; a
signature and a published text never change)."""

from __future__ import annotations

from django.contrib import admin

from ecodistrict_web.commitments.models import CharterVersion, Commitment, Signature
from ecodistrict_web.indicators.admin import ReadOnlyAdmin


@admin.register(CharterVersion)
class CharterVersionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "version", "title_it", "published_at", "published_by"]
    list_filter = ["kind"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["company_name", "document", "signer_name", "signed_at", "public_consent"]
    list_filter = ["public_consent", "district_name"]
    search_fields = ["company_name", "signer_name"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = [
        "company_name",
        "indicator_key",
        "baseline_value",
        "baseline_year",
        "target_value",
        "deadline_year",
        "created_at",
    ]
    list_filter = ["indicator_key", "district_name"]
    search_fields = ["company_name", "indicator_key"]
