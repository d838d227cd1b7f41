"""Birth months follow the record, not today's date: a council loads its
history (a 2015 placement of a child born in 1998) and its reports for past
years reproduce; a birth month in the future is refused everywhere, and so is
a placement starting on or after the child's 26th birthday (age counted from
the first of the birth month, as the reports count it). Every path names its
field: birth_month, child.birth_month, items[N].child.birth_month, start_date,
items[N].start_date."""
import datetime
import uuid

import pytest

from conftest import unique
from hearth_client import assert_problem
from test_placements import new_child, new_council, new_placement, placement_body
from test_pushes import batch, payload, put


@pytest.fixture(scope="module")
def council(api):
    return new_council(api)


def next_month():
    today = datetime.date.today()
    index = today.year * 12 + today.month  # the month after this one, 0-based
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def internal(child, start, **overrides):
    return placement_body(child, placement_type="fostering", provision="internal",
                          provider_id=None, setting_id=None, sourcing="in_house",
                          start_date=start, contributions=None, **overrides)


def test_a_2015_placement_of_a_child_born_in_1998_is_reported_for_2015(api, council):
    child = new_child(api, council, birth_month="1998-05")
    p = new_placement(api, council, child, start_date="2015-01-05", end_date="2015-12-31",
                      end_reason="planned")
    assert p["start_date"] == "2015-01-05"
    resp = api.get("/v1/reports/sufficiency", params={"as_at": "2015-03-31"}, org=council)
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["totals"]["total"] == 1, report
    # 202 whole months from 1998-05 to 2015-03: 16 years old.
    bands = [(b["placement_type"], b["age_band"], b["count"]) for b in report["by_age_band"]]
    assert bands == [("residential", "16-17", 1)], bands
    # And it is not active a year later.
    later = api.get("/v1/reports/sufficiency", params={"as_at": "2016-03-31"}, org=council).json()
    assert later["totals"]["total"] == 0


def test_history_loads_through_pushes(api):
    ref = "H-" + uuid.uuid4().hex[:10]
    body = payload(unique("HC"), start="2015-01-05", end_date="2015-12-31", end_reason="planned")
    body["child"]["birth_month"] = "1998-05"
    resp = put(api, ref, body)
    assert resp.status_code == 201, resp.text
    item = payload(unique("HC"), start="2015-02-01", external_ref="HB-" + uuid.uuid4().hex[:10])
    item["child"]["birth_month"] = "1997-01"
    got = batch(api, [item]).json()["results"]
    assert got[0]["outcome"] == "created", got


def test_a_birth_month_in_the_future_is_400_on_every_path(api, council):
    future = next_month()
    assert_problem(api.post("/v1/children", {"local_ref": unique("F"), "birth_month": future,
                                             "gender": "male", "legal_status": "s20"},
                            org=council), 400, "validation", field="birth_month")
    child = new_child(api, council, birth_month="2012-05")
    assert_problem(api.patch(f"/v1/children/{child}", {"birth_month": future}, org=council),
                   400, "validation", field="birth_month")
    body = payload(unique("FC"))
    body["child"]["birth_month"] = future
    assert_problem(put(api, "F-" + uuid.uuid4().hex[:10], body), 400, "validation",
                   field="child.birth_month")
    item = dict(body, external_ref="FB-" + uuid.uuid4().hex[:10])
    result = batch(api, [item]).json()["results"][0]
    assert result["outcome"] == "error"
    assert [e["field"] for e in result["problem"]["errors"]] == ["items[0].child.birth_month"]


def test_a_child_26_or_over_at_the_start_is_400_on_every_path(api, council):
    child = new_child(api, council, birth_month="1989-01")
    # 25 on the last day before 2015-01-01; 26 from the first of January 2015.
    ok = api.post("/v1/placements", internal(child, "2014-12-31", end_date="2014-12-31",
                                             end_reason="planned"), org=council)
    assert ok.status_code == 201, ok.text
    resp = api.post("/v1/placements", internal(child, "2015-01-01"), org=council)
    body = assert_problem(resp, 400, "validation", field="start_date")
    assert [e["field"] for e in body["errors"]] == ["start_date"]
    # Moving a placement's start past the limit, or the birth month back.
    young = new_child(api, council, birth_month="2000-06")
    p = new_placement(api, council, young, start_date="2020-01-06")
    assert_problem(api.patch(f"/v1/placements/{p['id']}", {"start_date": "2026-06-01"},
                             org=council), 400, "validation", field="start_date")
    assert_problem(api.patch(f"/v1/children/{young}", {"birth_month": "1990-01"}, org=council),
                   400, "validation", field="birth_month")
    assert api.get(f"/v1/children/{young}", org=council).json()["birth_month"] == "2000-06"
    # Pushes: both dates in the payload, checked before the database.
    body = payload(unique("OC"), start="2015-01-01")
    body["child"]["birth_month"] = "1989-01"
    assert_problem(put(api, "O-" + uuid.uuid4().hex[:10], body), 400, "validation",
                   field="start_date")
    item = dict(body, external_ref="OB-" + uuid.uuid4().hex[:10])
    fine = payload(unique("OK"), start="2014-12-31", external_ref="OK-" + uuid.uuid4().hex[:10])
    fine["child"]["birth_month"] = "1989-01"
    results = batch(api, [fine, item]).json()["results"]
    assert results[0]["outcome"] == "created", results
    assert results[1]["outcome"] == "error"
    assert [e["field"] for e in results[1]["problem"]["errors"]] == ["items[1].start_date"]


def test_a_push_changing_a_birth_month_under_another_placement_names_child_birth_month(api):
    local_ref = unique("PC")
    first = payload(local_ref, start="2020-01-06", end_date="2020-06-30", end_reason="planned")
    first["child"]["birth_month"] = "2000-06"
    assert put(api, "P1-" + uuid.uuid4().hex[:10], first).status_code == 201
    # A second placement of the same child, early enough for the new birth
    # month, while the stored 2020 one would then start at 30.
    second = payload(local_ref, start="2010-01-06", end_date="2010-06-30", end_reason="planned",
                     external_ref="P2-" + uuid.uuid4().hex[:10])
    second["child"]["birth_month"] = "1990-01"
    result = batch(api, [second]).json()["results"][0]
    assert result["outcome"] == "error", result
    assert [e["field"] for e in result["problem"]["errors"]] == ["items[0].child.birth_month"]
    by_ref = {k: v for k, v in second.items() if k != "external_ref"}
    resp = put(api, "P3-" + uuid.uuid4().hex[:10], by_ref)
    assert_problem(resp, 400, "validation", field="child.birth_month")
