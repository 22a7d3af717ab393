"""Districts, companies, their sites and their yearly flows: the district file, stored.

Field names and choice values follow the district file (``format: ecodistrict/1``, see
``ecodistrict.domain.models``); a test checks that every choice list equals the library's
Literal values. Optional text fields of the file are stored as "" when absent.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecodistrict_web.core.querysets import RestrictedQuerySet


class Direction(models.TextChoices):
    IN = "in", _("input")
    OUT = "out", _("output")


class FlowKind(models.TextChoices):
    MATERIAL = "material", _("material")
    ENERGY = "energy", _("energy")
    WATER = "water", _("water")
    SERVICE = "service", _("service")


class LegalStatus(models.TextChoices):
    WASTE = "waste", _("waste")
    BY_PRODUCT = "by-product", _("by-product")
    END_OF_WASTE = "end-of-waste", _("end-of-waste")
    PRODUCT = "product", _("product")


class Destination(models.TextChoices):
    REUSE = "reuse", _("reuse")
    RECYCLING = "recycling", _("recycling")
    COMPOSTING = "composting", _("composting")
    ENERGY_RECOVERY = "energy-recovery", _("energy recovery")
    INCINERATION = "incineration", _("incineration")
    LANDFILL = "landfill", _("landfill")
    INTERNAL = "internal", _("internal")
    UNKNOWN = "unknown", _("unknown")


class Origin(models.TextChoices):
    VIRGIN = "virgin", _("virgin")
    RECYCLED = "recycled", _("recycled")
    REUSED = "reused", _("reused")
    BY_PRODUCT = "by-product", _("by-product")
    RENEWABLE = "renewable", _("renewable")
    UNKNOWN = "unknown", _("unknown")


class Availability(models.TextChoices):
    CONTINUOUS = "continuous", _("continuous")
    SEASONAL = "seasonal", _("seasonal")
    ONE_OFF = "one-off", _("one-off")


#: The district file's identifiers (ecodistrict.domain.models.Identifier).
IDENTIFIER = RegexValidator(
    r"^[a-z0-9\-_.]+$", _("Use only lower-case letters, digits, '-', '_' and '.'.")
)
LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class DistrictQuerySet(RestrictedQuerySet):
    own_rows_lookup = "companies"
    district_lookup = ""


class CompanyQuerySet(RestrictedQuerySet):
    own_rows_lookup = ""


class CompanyPartQuerySet(RestrictedQuerySet):
    own_rows_lookup = "company"


class District(models.Model):
    """A district: the firms of one district file, with its centre and local radius."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    center_lat = models.FloatField(_("centre latitude"), validators=LATITUDE)
    center_lon = models.FloatField(_("centre longitude"), validators=LONGITUDE)
    radius_km = models.FloatField(
        _("radius (km)"),
        default=30,
        validators=[MinValueValidator(0)],
        help_text=_("'Local' means within this distance of a firm."),
    )
    notice = models.TextField(
        _("notice"),
        blank=True,
        help_text=_("Shown with the data, e.g. that the data are illustrative."),
    )
    source_name = models.CharField(_("imported from"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """A firm (or an applicant) of a district."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="companies", verbose_name=_("district")
    )
    slug = models.CharField(
        _("identifier"),
        max_length=100,
        validators=[IDENTIFIER],
        help_text=_("The company's id in the district file; unique in its district."),
    )
    name = models.CharField(_("name"), max_length=200)
    ateco = models.CharField(_("ATECO code"), max_length=20)
    ateco_title = models.CharField(_("ATECO activity"), max_length=500, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_eur = models.FloatField(
        _("revenue (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )

    objects = CompanyQuerySet.as_manager()
    #: The audit history of the declared data: who changed what, when (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "slug"], name="unique_company_slug_per_district"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def primary_site(self) -> Site | None:
        return self.sites.filter(is_primary=True).first()


class Site(models.Model):
    """A site of a company. The primary site is the district file's ``location``."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="sites", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), validators=LATITUDE)
    lon = models.FloatField(_("longitude"), validators=LONGITUDE)
    is_primary = models.BooleanField(_("primary site"), default=True)

    objects = CompanyPartQuerySet.as_manager()
    #: The audit history of the declared data: who changed what, when (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["company", "-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(is_primary=True),
                name="one_primary_site_per_company",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.company} ({self.lat:.5f}, {self.lon:.5f})"


class Flow(models.Model):
    """One yearly flow in or out of a company, as declared, and normalised."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="flows", verbose_name=_("company")
    )
    slug = models.CharField(
        _("identifier"),
        max_length=100,
        validators=[IDENTIFIER],
        help_text=_("The flow's id in the district file; unique in its company."),
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=FlowKind.choices)
    description = models.CharField(_("description"), max_length=500)
    ewc = models.CharField(
        _("EWC code"), max_length=8, blank=True, help_text=_("European List of Waste (EER).")
    )
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    destination = models.CharField(
        _("destination"), max_length=20, choices=Destination.choices, blank=True
    )
    quantity = models.FloatField(_("quantity"), validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=40)
    quantity_normalised = models.FloatField(_("normalised quantity"))
    unit_normalised = models.CharField(_("normalised unit"), max_length=20)
    temperature_c = models.FloatField(_("temperature (°C)"), null=True, blank=True)
    available = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, blank=True
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, blank=True)
    source_distance_km = models.FloatField(
        _("source distance (km)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    supplied_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplies",
        verbose_name=_("supplied by"),
        help_text=_("An exchange in place: the output of another firm that feeds this input."),
    )
    unit_price_eur = models.FloatField(
        _("unit price (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Inputs only: price paid today per t, MWh, m3 or h."),
    )
    disposal_cost_eur = models.FloatField(
        _("disposal cost (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Outputs only: cost paid today to dispose of it, per t or m3."),
    )
    mci = models.JSONField(
        _("MCI inputs"),
        null=True,
        blank=True,
        help_text=_(
            "Products only: the Material Circularity Indicator inputs of the district file "
            "(fractions, efficiencies, lifetimes)."
        ),
    )

    objects = CompanyPartQuerySet.as_manager()
    #: The audit history of the declared data: who changed what, when (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("flow")
        verbose_name_plural = _("flows")
        ordering = ["company", "direction", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "slug"], name="unique_flow_slug_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.slug}/{self.slug}"
