"""Facilitators read what staff grant them: a district (every firm of it) or one company."""

from __future__ import annotations

import pytest

from ecodistrict_web.accounts.models import FacilitatorGrant
from ecodistrict_web.accounts.services import GrantError, grant_facilitator
from ecodistrict_web.companies.models import Company, District, Flow
from ecodistrict_web.indicators.models import IndicatorRun

pytestmark = pytest.mark.django_db


def slugs(queryset) -> list[str]:
    return sorted(queryset.values_list("slug", flat=True))


def test_a_facilitator_without_grant_reads_nothing(make_user, district):
    user = make_user("f@x", "facilitator")
    assert Company.objects.restrict(user).count() == 0
    assert Flow.objects.restrict(user).count() == 0
    assert District.objects.restrict(user).count() == 0
    assert IndicatorRun.objects.restrict(user).count() == 0


def test_a_district_grant_opens_every_firm_and_the_district(make_user, district):
    user = make_user("f@x", "facilitator")
    grant_facilitator(user, district=district)
    assert slugs(Company.objects.restrict(user)) == [
        "ceramica-alfa",
        "ceramica-beta",
        "serrature-gamma",
    ]
    assert Flow.objects.restrict(user).count() == Flow.objects.count() == 10
    assert list(District.objects.restrict(user)) == [district]
    assert IndicatorRun.objects.restrict(user).count() == 1
    # Reading only: nothing to change.
    assert Company.objects.restrict(user, "change").count() == 0


def test_a_company_grant_opens_that_firm_only(make_user, district):
    user = make_user("f@x", "facilitator")
    beta = district.companies.get(slug="ceramica-beta")
    grant_facilitator(user, company=beta)
    assert slugs(Company.objects.restrict(user)) == ["ceramica-beta"]
    assert set(Flow.objects.restrict(user).values_list("company__slug", flat=True)) == {
        "ceramica-beta"
    }
    # The district's runs hold every firm's values: a company grant does not open them.
    assert District.objects.restrict(user).count() == 0
    assert IndicatorRun.objects.restrict(user).count() == 0


def test_only_facilitators_are_granted_and_one_target(make_user, district):
    firm = make_user("firm@x", "firm")
    with pytest.raises(GrantError):
        grant_facilitator(firm, district=district)
    user = make_user("f@x", "facilitator")
    with pytest.raises(GrantError):
        grant_facilitator(user)
    with pytest.raises(GrantError):
        grant_facilitator(user, district=district, company=district.companies.first())
    assert FacilitatorGrant.objects.count() == 0


def test_grants_survive_a_replacement_of_the_district(make_user, district, small_district_text):
    from ecodistrict_web.companies.services import import_district

    whole = make_user("whole@x", "facilitator")
    one = make_user("one@x", "facilitator")
    grant_facilitator(whole, district=district)
    grant_facilitator(one, company=district.companies.get(slug="ceramica-beta"))
    result = import_district(small_district_text, "small-district.yaml", replace=True)
    assert result.ok and result.replaced
    assert list(District.objects.restrict(whole)) == [result.district]
    assert slugs(Company.objects.restrict(one)) == ["ceramica-beta"]
    assert Company.objects.restrict(one).get().district == result.district


def test_the_staff_page_grants_and_withdraws(client_for, staff_user, make_user, district):
    user = make_user("f@x", "facilitator")
    client = client_for(staff_user)
    assert client.get("/accounts/grants/").status_code == 200
    response = client.post("/accounts/grants/", {"facilitator": user.pk, "district": district.pk})
    assert response.status_code == 302
    grant = FacilitatorGrant.objects.get()
    assert (grant.user, grant.district, grant.company, grant.granted_by) == (
        user,
        district,
        None,
        staff_user,
    )
    both = client.post(
        "/accounts/grants/",
        {"facilitator": user.pk, "district": district.pk, "company": district.companies.first().pk},
    )
    assert both.status_code == 400
    (error,) = both.context["form"].errors.as_data()["__all__"]
    assert error.code == "one_target"
    assert "Scegliere un distretto oppure un&#x27;impresa." in both.content.decode()
    assert FacilitatorGrant.objects.count() == 1
    assert client.post(f"/accounts/grants/{grant.pk}/withdraw/").status_code == 302
    assert FacilitatorGrant.objects.count() == 0


@pytest.mark.parametrize("role", ["firm", "facilitator"])
def test_only_staff_manage_grants(client_for, make_user, district, role):
    user = make_user("f@x", "facilitator")
    grant = grant_facilitator(user, district=district)
    other = make_user("other@x", role)
    client = client_for(other)
    assert client.get("/accounts/grants/").status_code == 403
    assert client.post("/accounts/grants/", {"facilitator": other.pk}).status_code == 403
    assert client.post(f"/accounts/grants/{grant.pk}/withdraw/").status_code == 404
    assert list(FacilitatorGrant.objects.values_list("pk", flat=True)) == [grant.pk]
