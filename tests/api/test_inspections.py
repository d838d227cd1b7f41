"""Inspections: every field, the judgement vocabulary of each regulator and
setting type (any other member or word is 400 naming it), provider_id taken
from the setting, risk_band derived by the database over every vocabulary,
filters, pages, CSV, If-Match, idempotent replay, roles, tenant isolation, the
qa.inspection.recorded event and the audit row written with the change."""
import csv
import io
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_TENANT, assert_problem
from records import psql

QA = {"roles": "qa_officer"}


def new_provider(api, **kw):
    resp = api.post("/v1/providers", {"name": unique("QA provider"), "ownership": "private",
                                      "provider_types": ["childrens_home"]}, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_setting(api, provider, regulator, setting_type, **kw):
    resp = api.post("/v1/settings", {"provider_id": provider, "name": unique("Home"),
                                     "regulator": regulator, "setting_type": setting_type}, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


@pytest.fixture(scope="module")
def provider(api):
    return new_provider(api)


@pytest.fixture(scope="module")
def settings(api, provider):
    """One setting per vocabulary."""
    return {
        "ofsted_home": new_setting(api, provider, "ofsted", "childrens_home"),
        "ofsted_fostering": new_setting(api, provider, "ofsted", "fostering_service"),
        "ofsted_sa": new_setting(api, provider, "ofsted", "supported_accommodation"),
        "ofsted_other": new_setting(api, provider, "ofsted", "other"),
        "ciw_home": new_setting(api, provider, "ciw", "childrens_home"),
        "cqc_school": new_setting(api, provider, "cqc", "residential_school"),
        "cis_home": new_setting(api, provider, "cis", "childrens_home"),
    }


_days = iter(range(1, 10000))


def a_day():
    """A fresh inspection date, so no two tests collide on (setting, type, day)."""
    n = next(_days)
    return f"{2000 + n // 300}-{1 + (n // 25) % 12:02d}-{1 + n % 25:02d}"


def inspection(setting, regulator, inspection_type="full", judgements=None, **extra):
    body = {"setting_id": setting, "regulator": regulator, "inspection_type": inspection_type,
            "inspected_on": a_day()}
    if judgements is not None:
        body["judgements"] = judgements
    body.update(extra)
    return body


OFSTED_FULL = ["overall_experiences_and_progress", "help_and_protection",
               "leadership_and_management"]
OFSTED_GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
CIW_THEMES = ["wellbeing", "care_and_support", "environment", "leadership_and_management"]
CIW_RATINGS = ["excellent", "good", "requires_improvement", "requires_significant_improvement",
               "not_rated"]
CQC_QUESTIONS = ["overall", "safe", "effective", "caring", "responsive", "well_led"]

GRADE_BAND = {"outstanding": "green", "good": "green", "requires_improvement": "amber",
              "inadequate": "red", "excellent": "green",
              "requires_significant_improvement": "red", "not_rated": "none",
              "improved_effectiveness": "green", "sustained_effectiveness": "green",
              "declined_in_effectiveness": "amber",
              "outcome_1": "green", "outcome_2": "amber", "outcome_3": "red"}

# (setting, regulator, inspection_type, field, word): every word of every field
# of every vocabulary, alone.
SINGLE_JUDGEMENTS = (
    [("ofsted_home", "ofsted", "full", f, w) for f in OFSTED_FULL for w in OFSTED_GRADES]
    + [("ofsted_fostering", "ofsted", "full", "help_and_protection", w) for w in OFSTED_GRADES]
    + [("ofsted_home", "ofsted", "interim", "interim_outcome", w)
       for w in ["improved_effectiveness", "sustained_effectiveness", "declined_in_effectiveness"]]
    + [("ofsted_sa", "ofsted", "full", "outcome", w) for w in ["outcome_1", "outcome_2", "outcome_3"]]
    + [("ciw_home", "ciw", "full", f, w) for f in CIW_THEMES for w in CIW_RATINGS]
    + [("ciw_home", "ciw", "focused", "wellbeing", w) for w in CIW_RATINGS]
    + [("cqc_school", "cqc", "full", f, w) for f in CQC_QUESTIONS for w in OFSTED_GRADES]
)


@pytest.mark.parametrize("setting, regulator, kind, field, word", SINGLE_JUDGEMENTS)
def test_risk_band_of_each_word_of_each_vocabulary(api, settings, setting, regulator, kind, field,
                                                   word):
    resp = api.post("/v1/inspections", inspection(settings[setting], regulator, kind,
                                                  {field: word}), **QA)
    assert resp.status_code == 201, resp.text
    assert resp.json()["judgements"] == {field: word}
    assert resp.json()["risk_band"] == GRADE_BAND[word]


@pytest.mark.parametrize("setting, regulator, judgements, band", [
    ("ofsted_home", "ofsted", {"overall_experiences_and_progress": "good",
                               "help_and_protection": "inadequate",
                               "leadership_and_management": "outstanding"}, "red"),
    ("ofsted_home", "ofsted", {"overall_experiences_and_progress": "good",
                               "help_and_protection": "requires_improvement",
                               "leadership_and_management": "outstanding"}, "amber"),
    ("ofsted_home", "ofsted", {f: "good" for f in OFSTED_FULL}, "green"),
    ("ciw_home", "ciw", {"wellbeing": "requires_improvement",
                         "care_and_support": "requires_significant_improvement",
                         "environment": "excellent", "leadership_and_management": "good"}, "red"),
    ("ciw_home", "ciw", {"wellbeing": "not_rated", "care_and_support": "requires_improvement"},
     "amber"),
    ("ciw_home", "ciw", {"wellbeing": "not_rated", "care_and_support": "good"}, "green"),
    ("ciw_home", "ciw", {t: "not_rated" for t in CIW_THEMES}, "none"),
    ("cqc_school", "cqc", {"overall": "good", "safe": "inadequate"}, "red"),
    ("cqc_school", "cqc", {q: "outstanding" for q in CQC_QUESTIONS}, "green"),
    ("ofsted_home", "ofsted", {}, "none"),
])
def test_risk_band_of_combined_judgements(api, settings, setting, regulator, judgements, band):
    resp = api.post("/v1/inspections", inspection(settings[setting], regulator, "full",
                                                  judgements), **QA)
    assert resp.status_code == 201, resp.text
    assert resp.json()["risk_band"] == band


@pytest.mark.parametrize("setting, regulator, kind", [
    ("ofsted_home", "ofsted", "monitoring"),
    ("ofsted_home", "ofsted", "assurance"),
    ("ciw_home", "ciw", "registration"),
    ("ofsted_sa", "ofsted", "interim"),
])
def test_visits_without_judgements_have_no_band(api, settings, setting, regulator, kind):
    resp = api.post("/v1/inspections", inspection(settings[setting], regulator, kind), **QA)
    assert resp.status_code == 201, resp.text
    assert resp.json()["judgements"] == {} and resp.json()["risk_band"] == "none"


@pytest.mark.parametrize("setting, regulator, kind, judgements, field", [
    # another regulator's words
    ("ciw_home", "ciw", "full", {"overall_experiences_and_progress": "good"},
     "judgements.overall_experiences_and_progress"),
    ("ofsted_home", "ofsted", "full", {"wellbeing": "good"}, "judgements.wellbeing"),
    ("ofsted_home", "ofsted", "full", {"overall": "good"}, "judgements.overall"),
    ("cqc_school", "cqc", "full", {"wellbeing": "good"}, "judgements.wellbeing"),
    # the interim outcome on a full inspection and the other way round
    ("ofsted_home", "ofsted", "full", {"interim_outcome": "improved_effectiveness"},
     "judgements.interim_outcome"),
    ("ofsted_home", "ofsted", "interim", {"help_and_protection": "good"},
     "judgements.help_and_protection"),
    # supported accommodation is judged by outcome only
    ("ofsted_sa", "ofsted", "full", {"overall_experiences_and_progress": "good"},
     "judgements.overall_experiences_and_progress"),
    ("ofsted_home", "ofsted", "full", {"outcome": "outcome_1"}, "judgements.outcome"),
    # a word of the wrong scale
    ("ofsted_home", "ofsted", "full", {"help_and_protection": "excellent"},
     "judgements.help_and_protection"),
    ("ciw_home", "ciw", "full", {"wellbeing": "inadequate"}, "judgements.wellbeing"),
    ("ofsted_sa", "ofsted", "full", {"outcome": "outcome_4"}, "judgements.outcome"),
    ("cqc_school", "cqc", "full", {"safe": "not_rated"}, "judgements.safe"),
    ("ofsted_home", "ofsted", "full", {"help_and_protection": 2}, "judgements.help_and_protection"),
    ("ofsted_home", "ofsted", "full", {"help_and_protection": None},
     "judgements.help_and_protection"),
    # no vocabulary at all
    ("ofsted_other", "ofsted", "full", {"help_and_protection": "good"},
     "judgements.help_and_protection"),
    ("ofsted_home", "ofsted", "monitoring", {"help_and_protection": "good"},
     "judgements.help_and_protection"),
    # the inspection's regulator must be the setting's
    ("ciw_home", "ofsted", "full", {}, "regulator"),
    ("cis_home", "ofsted", "full", {}, "regulator"),
])
def test_any_other_combination_is_400_naming_the_field(api, settings, setting, regulator, kind,
                                                       judgements, field):
    resp = api.post("/v1/inspections", inspection(settings[setting], regulator, kind, judgements),
                    **QA)
    assert_problem(resp, 400, "validation", field)


def test_bad_fields_are_each_named(api, settings):
    s = settings["ofsted_home"]
    cases = [
        ({"setting_id": str(uuid.uuid4())}, "setting_id"),
        ({"setting_id": "nope"}, "setting_id"),
        ({"regulator": "cis"}, "regulator"),
        ({"inspection_type": "spot_check"}, "inspection_type"),
        ({"inspected_on": "2024-02-30"}, "inspected_on"),
        ({"published_on": "2001-01-01", "inspected_on": "2001-02-01"}, "published_on"),
        ({"report_url": "ftp://example.org/r.pdf"}, "report_url"),
        ({"source": "rumour"}, "source"),
        ({"judgements": ["good"]}, "judgements"),
        ({"risk_band": "green"}, "risk_band"),
        ({"provider_id": str(uuid.uuid4())}, "provider_id"),
        ({"colour": "red"}, "colour"),
    ]
    for change, field in cases:
        body = inspection(s, "ofsted")
        body.update(change)
        assert_problem(api.post("/v1/inspections", body, **QA), 400, "validation", field)
    body = inspection(s, "ofsted")
    del body["inspected_on"]
    assert_problem(api.post("/v1/inspections", body, **QA), 400, "validation", "inspected_on")


def test_create_read_patch_with_every_field(api, settings, provider, stack_env):
    body = inspection(settings["ofsted_home"], "ofsted", "full",
                      {"overall_experiences_and_progress": "good",
                       "help_and_protection": "requires_improvement",
                       "leadership_and_management": "good"},
                      published_on="2031-12-31", report_url="https://reports.example.org/1.pdf",
                      source="regulator_feed")
    body["inspected_on"] = "2031-12-01"
    resp = api.post("/v1/inspections", body, roles="integration")
    assert resp.status_code == 201, resp.text
    i = resp.json()
    assert resp.headers["Location"] == f"/v1/inspections/{i['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert i["provider_id"] == provider and i["setting_id"] == settings["ofsted_home"]
    assert i["risk_band"] == "amber" and i["source"] == "regulator_feed"
    assert i["published_on"] == "2031-12-31" and i["report_url"].endswith("1.pdf")
    got = api.get(resp.headers["Location"], roles="viewer")
    assert got.status_code == 200 and got.json() == i
    # The event carries the document, and so the band, written with the change.
    row = psql(stack_env, "SELECT type || '|' || (payload->>'risk_band') || '|' || tenant_id "
                          f"FROM qa.outbox WHERE subject_id = '{i['id']}' ORDER BY seq")
    assert row == f"qa.inspection.recorded|amber|{DEMO_TENANT}"
    audit = psql(stack_env, "SELECT method || '|' || resource || '|' || status FROM audit.events "
                            f"WHERE resource_id = '{i['id']}'")
    assert audit == "POST|inspection|201"

    url = resp.headers["Location"]
    assert_problem(api.patch(url, {"judgements": {"help_and_protection": "inadequate"}},
                             headers={"If-Match": '"7"'}, **QA), 412, "precondition-failed")
    resp = api.patch(url, {"judgements": {"help_and_protection": "inadequate"}},
                     headers={"If-Match": '"1"'}, **QA)
    assert resp.status_code == 200, resp.text
    assert resp.json()["risk_band"] == "red" and resp.json()["version"] == 2
    assert resp.json()["judgements"]["overall_experiences_and_progress"] == "good"
    # Merge patch: null removes one judgement; the band follows.
    resp = api.patch(url, {"judgements": {"help_and_protection": None}}, **QA)
    assert resp.json()["risk_band"] == "green", resp.text
    assert "help_and_protection" not in resp.json()["judgements"]
    for fixed in ({"setting_id": settings["ciw_home"]}, {"regulator": "ciw"},
                  {"risk_band": "green"}, {"provider_id": provider}):
        field = next(iter(fixed))
        assert_problem(api.patch(url, fixed, **QA), 400, "validation", field)
    # The merged document is checked as on create: an interim type with full judgements.
    assert_problem(api.patch(url, {"inspection_type": "interim"}, **QA), 400, "validation",
                   "judgements.overall_experiences_and_progress")
    assert psql(stack_env, f"SELECT count(*) FROM qa.outbox WHERE subject_id = '{i['id']}' "
                           "AND type = 'qa.inspection.updated'") == "2"


def test_a_second_inspection_of_the_same_day_and_type_is_409(api, settings):
    body = inspection(settings["ciw_home"], "ciw", "full", {"wellbeing": "good"})
    assert api.post("/v1/inspections", body, **QA).status_code == 201
    assert_problem(api.post("/v1/inspections", body, **QA), 409, "conflict", "inspected_on")


def test_idempotent_replay(api, settings):
    body = inspection(settings["cqc_school"], "cqc", "full", {"overall": "good"})
    key = {"Idempotency-Key": unique("idem")}
    first = api.post("/v1/inspections", body, headers=key, **QA)
    again = api.post("/v1/inspections", body, headers=key, **QA)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = dict(body, inspected_on=a_day())
    assert_problem(api.post("/v1/inspections", other, headers=key, **QA), 422)


@pytest.mark.parametrize("roles, status", [
    ("qa_officer", 201), ("commissioner", 201), ("tenant_admin", 201), ("integration", 201),
    ("viewer", 403), ("provider", 403),
])
def test_who_records(api, settings, roles, status):
    resp = api.post("/v1/inspections", inspection(settings["ofsted_home"], "ofsted"), roles=roles)
    assert resp.status_code == status, resp.text
    if status == 201:
        for reader in ("viewer", "provider", "commissioner"):
            assert api.get(resp.headers["Location"], roles=reader).status_code == 200


def test_filters_pages_and_csv(api):
    provider = new_provider(api)
    ofsted = new_setting(api, provider, "ofsted", "childrens_home")
    ciw = new_setting(api, provider, "ciw", "childrens_home")
    made = []
    for setting, regulator, day, judgements in [
            (ofsted, "ofsted", "2020-01-10", {"help_and_protection": "inadequate"}),
            (ofsted, "ofsted", "2021-06-10", {"help_and_protection": "good"}),
            (ciw, "ciw", "2022-03-01", {"wellbeing": "requires_improvement"}),
            (ciw, "ciw", "2023-03-01", {})]:
        resp = api.post("/v1/inspections", {"setting_id": setting, "regulator": regulator,
                                            "inspection_type": "full", "inspected_on": day,
                                            "judgements": judgements}, **QA)
        assert resp.status_code == 201, resp.text
        made.append(resp.json()["id"])

    def ids(**params):
        resp = api.get("/v1/inspections", params={"provider_id": provider, **params})
        assert resp.status_code == 200, resp.text
        return [i["id"] for i in resp.json()["items"]]

    assert ids() == made
    assert ids(setting_id=ciw) == made[2:]
    assert ids(regulator="ofsted") == made[:2]
    assert ids(risk_band="red") == [made[0]]
    assert ids(risk_band="amber") == [made[2]]
    assert ids(risk_band="none") == [made[3]]
    assert ids(**{"from": "2021-06-10"}) == made[1:]
    assert ids(to="2021-06-10") == made[:2]
    assert ids(**{"from": "2021-01-01", "to": "2022-12-31"}) == made[1:3]
    # Keyset pages of two.
    first = api.get("/v1/inspections", params={"provider_id": provider, "limit": 2}).json()
    second = api.get("/v1/inspections", params={"provider_id": provider, "limit": 2,
                                                "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    assert_problem(api.get("/v1/inspections", params={"provider_id": provider, "limit": 2,
                                                      "cursor": first["next_cursor"],
                                                      "regulator": "ciw"}), 400, "validation",
                   "cursor")
    for bad, field in [({"risk_band": "purple"}, "risk_band"), ({"from": "2020-13-01"}, "from"),
                       ({"setting_id": "x"}, "setting_id"), ({"judgement": "good"}, "judgement")]:
        assert_problem(api.get("/v1/inspections", params=bad), 400, "validation", field)
    resp = api.get("/v1/inspections", params={"provider_id": provider},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["id"] for r in rows] == made
    assert [r["risk_band"] for r in rows] == ["red", "green", "amber", "none"]
    assert rows[0]["regulator"] == "ofsted" and rows[0]["inspected_on"] == "2020-01-10"


def test_another_tenant_sees_nothing_and_cannot_inspect_our_settings(api, settings,
                                                                     other_tenant):
    mine = api.post("/v1/inspections", inspection(settings["ofsted_home"], "ofsted"), **QA)
    assert mine.status_code == 201
    theirs = api.token(roles="qa_officer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert_problem(api.get(mine.headers["Location"], token=theirs), 404, "not-found")
    assert api.get("/v1/inspections", token=theirs).json()["items"] == []
    assert_problem(api.patch(mine.headers["Location"], {"source": "manual"}, token=theirs), 404)
    assert_problem(api.post("/v1/inspections", inspection(settings["ofsted_home"], "ofsted"),
                            token=theirs), 400, "validation", "setting_id")


def test_seeded_demo_inspections(api):
    items = api.get("/v1/inspections", params={"limit": 500}).json()["items"]
    seeded = [i for i in items if i["id"].startswith("00000000-0000-4000-8000-0000001")]
    assert {i["regulator"] for i in seeded} >= {"ofsted", "ciw"}
    assert {"red", "amber", "green"} <= {i["risk_band"] for i in seeded}
    assert any(i["judgements"].get("outcome") for i in seeded)
