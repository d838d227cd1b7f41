"""Concurrent writers of one provider: If-Match lets exactly one of a crowd
win, and patches without If-Match serialise on the row, so none is lost."""
import threading

from conftest import unique
from hearth_client import Api, assert_problem


def new_provider(api):
    body = {"name": unique("Contended Care"), "provider_types": ["childrens_home"],
            "ownership": "private"}
    resp = api.post("/v1/providers", body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def run_together(api, bodies, headers):
    """PATCH each body from its own thread and HTTP session, all released at once."""
    token = api.token()
    barrier = threading.Barrier(len(bodies))
    results = [None] * len(bodies)

    def worker(i, path, body):
        client = Api(api.base, api.stack_env)  # its own requests.Session
        barrier.wait()
        try:
            results[i] = client.patch(path, body, token=token, headers=dict(headers))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, path, body))
               for i, (path, body) in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(not t.is_alive() for t in threads)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def test_same_if_match_lets_exactly_one_of_twenty_win(api):
    provider = new_provider(api)
    path = f"/v1/providers/{provider['id']}"
    start = provider["version"]
    bodies = [(path, {"name": f"{provider['name']} winner {i}"}) for i in range(20)]
    results = run_together(api, bodies, {"If-Match": f'"{start}"'})
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [412] * 19, [(r.status_code, r.text) for r in results]
    for r in results:
        if r.status_code == 412:
            assert_problem(r, 412, "precondition-failed")
    winner = next(r for r in results if r.status_code == 200).json()
    assert winner["version"] == start + 1
    stored = api.get(path)
    assert stored.json() == winner
    assert stored.json()["version"] == start + 1
    assert stored.headers["ETag"] == f'"{start + 1}"'


def test_patches_without_if_match_lose_nothing(api):
    provider = new_provider(api)
    path = f"/v1/providers/{provider['id']}"
    start = provider["version"]
    changes = [
        {"name": provider["name"] + " (renamed)"},
        {"legal_name": "Contended Care Holdings Ltd"},
        {"company_number": "SC654321"},
        {"charity_number": "1123456"},
        {"provider_types": ["childrens_home", "supported_accommodation"]},
        {"ownership": "voluntary"},
        {"status": "suspended"},
        {"address": {"line1": "4 Chapel Lane", "town": "Neath", "postcode": "SA11 2AB"}},
        {"contact": {"name": "Owain Rees", "email": "owain@example.org"}},
        {"lead_org_id": "00000000-0000-4000-8000-00000000c003"},
    ]
    results = run_together(api, [(path, c) for c in changes], {})
    assert [r.status_code for r in results] == [200] * 10, [r.text for r in results]
    versions = sorted(r.json()["version"] for r in results)
    assert versions == list(range(start + 1, start + 11))
    final = api.get(path).json()
    assert final["version"] == start + 10
    assert final["name"] == provider["name"] + " (renamed)"
    assert final["legal_name"] == "Contended Care Holdings Ltd"
    assert final["company_number"] == "SC654321"
    assert final["charity_number"] == "1123456"
    assert final["provider_types"] == ["childrens_home", "supported_accommodation"]
    assert final["ownership"] == "voluntary"
    assert final["status"] == "suspended"
    assert final["address"] == {"line1": "4 Chapel Lane", "line2": None, "town": "Neath",
                                "postcode": "SA11 2AB"}
    assert final["contact"] == {"name": "Owain Rees", "email": "owain@example.org", "phone": None}
    assert final["lead_org_id"] == "00000000-0000-4000-8000-00000000c003"
