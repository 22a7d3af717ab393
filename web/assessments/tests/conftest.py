"""An applicant firm invited to its assessment, in the small test district."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ecodistrict_web.accounts.models import Role, User
from ecodistrict_web.assessments.services import open_assessment
from ecodistrict_web.intake.models import Interest, InterestStatus

PASSWORD = "correct-horse-battery-9"


def make_applicant(username: str, vat: str, district=None):
    user = User.objects.create_user(username=username, email=username, password=PASSWORD)
    user.role = Role.FIRM
    user.save()
    interest = Interest.objects.create(
        district=district,
        user=user,
        company_name="Officine Secchia S.r.l.",
        vat_number=vat,
        ateco="25.62",
        contact_name="Giulia Ferrari",
        email=username,
        phone="059 123456",
        activity="Lavorazioni meccaniche",
        space_m2=2500,
        consent_at=timezone.now(),
        status=InterestStatus.INVITED,
    )
    return user, open_assessment(interest)


@pytest.fixture
def applicant(db, district):
    return make_applicant("giulia@secchia.example", "12345678903", district)


@pytest.fixture
def other_applicant(db, district):
    return make_applicant("mario@panaro.example", "01234567897", district)
