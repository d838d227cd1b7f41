"""Conflicts explained under a burst: a failed create or update whose 409 names
what is in the way (the overlapping placement, the setting holding a URN)
reads that on its own connection after rolling back, never on a second one
from the pool. A burst of more concurrent conflicting requests than the pool
has connections then gets every 409 with its explanation, none a 503, and an
ordinary request issued in the middle of the burst is answered."""
import threading

import requests

from hearth_client import CONTRACT, assert_problem
from test_placements import new_child, new_council, new_placement, new_provider, placement_body


def burst(api, stack_env, path, body, token, probe_path):
    """POST `body` to `path` from 3 x pool-size threads at once, and GET
    `probe_path` once they are all under way. Returns (answers, probe)."""
    width = 3 * int(stack_env.get("HEARTH_DB_POOL_SIZE", "8") or 8)
    barrier = threading.Barrier(width + 1)
    answers, probe = [None] * width, {}
    headers = {"Authorization": f"Bearer {token}"}

    def post(i):
        with requests.Session() as s:
            barrier.wait()
            answers[i] = s.post(api.base + path, json=body, headers=headers, timeout=60)

    def get():
        with requests.Session() as s:
            barrier.wait()
            probe["resp"] = s.get(api.base + probe_path, headers=headers, timeout=60)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(width)]
    threads.append(threading.Thread(target=get))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for resp in answers:
        CONTRACT.check("POST", path, resp.status_code, resp.headers.get("Content-Type"), resp.text)
    return answers, probe["resp"]


def test_overlapping_placements_burst_all_explained(api, stack_env):
    council = new_council(api)
    child = new_child(api, council)
    first = new_placement(api, council, child, start_date="2025-01-01")
    token = api.token(org=council)
    answers, probe = burst(api, stack_env, "/v1/placements",
                           placement_body(child, start_date="2025-02-01"), token,
                           f"/v1/placements/{first['id']}")
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [409] * len(answers), statuses
    for resp in answers:
        body = assert_problem(resp, 409, "conflict", field="start_date")
        assert first["id"] in body["detail"], body
    assert probe.status_code == 200, probe.text
    assert probe.json()["id"] == first["id"]


def test_taken_urn_burst_all_explained(api, stack_env):
    provider = new_provider(api)
    urn = "W" + str(abs(hash(provider)) % 10**8)
    body = {"provider_id": provider, "name": "Burst Home", "regulator": "ciw", "urn": urn,
            "setting_type": "childrens_home"}
    held = api.post("/v1/settings", body)
    assert held.status_code == 201, held.text
    answers, probe = burst(api, stack_env, "/v1/settings", body, api.token(),
                           f"/v1/settings/{held.json()['id']}")
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [409] * len(answers), statuses
    for resp in answers:
        problem = assert_problem(resp, 409, "conflict", field="urn")
        assert held.json()["id"] in problem["detail"], problem
    assert probe.status_code == 200, probe.text
