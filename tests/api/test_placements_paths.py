"""Malformed ids in placements paths: every {id} and {..._id} segment is checked
as a UUID by the router, before any handler or database cast, so a malformed
one answers 404 problem+json exactly like an id that names nothing (never a
400 from a cast, never a 500)."""
import pytest

from hearth_client import assert_problem
from test_placements import new_council, new_placement

MALFORMED = ["not-a-uuid", "1", "00000000-0000-4000-8000-00000000000", "%27%3B--",
             "00000000-0000-4000-8000-0000000000011"]


@pytest.fixture(scope="module")
def council(api):
    return new_council(api)


@pytest.fixture(scope="module")
def placement(api, council):
    return new_placement(api, council)


def ipa():
    return {"issued_on": "2025-01-06", "effective_from": "2025-01-06", "weekly_fee_pence": 1000}


@pytest.mark.parametrize("bad", MALFORMED)
def test_every_id_path_answers_404_for_a_malformed_id(api, council, placement, bad):
    good = placement["id"]
    cases = [
        ("GET", f"/v1/children/{bad}", None),
        ("PATCH", f"/v1/children/{bad}", {"gender": "male"}),
        ("GET", f"/v1/placements/{bad}", None),
        ("PATCH", f"/v1/placements/{bad}", {"weekly_cost_pence": 1}),
        ("GET", f"/v1/placements/{bad}/ipas", None),
        ("POST", f"/v1/placements/{bad}/ipas", ipa()),
        ("GET", f"/v1/placements/{bad}/ipas/{good}", None),
        ("GET", f"/v1/placements/{good}/ipas/{bad}", None),
    ]
    for method, path, body in cases:
        headers = {"Content-Type": "application/merge-patch+json"} if method == "PATCH" else None
        resp = api.request(method, path, json_body=body, headers=headers, org=council)
        assert_problem(resp, 404, "not-found")


def test_well_formed_ids_still_reach_their_handlers(api, council, placement):
    pid = placement["id"]
    assert api.get(f"/v1/placements/{pid}", org=council).status_code == 200
    assert api.get(f"/v1/placements/{pid}/ipas", org=council).status_code == 200
    created = api.post(f"/v1/placements/{pid}/ipas", ipa(), org=council)
    assert created.status_code == 201, created.text
    assert api.get(created.headers["Location"], org=council).status_code == 200
    # An absent but well-formed id is the same 404 as a malformed one.
    absent = "00000000-0000-4000-8000-00000000dead"
    assert_problem(api.post(f"/v1/placements/{absent}/ipas", ipa(), org=council), 404, "not-found")
    # The upper-case spelling of the id is the same record.
    assert api.get(f"/v1/placements/{pid.upper()}", org=council).status_code == 200
