"""Webhook subscriptions and their signed deliveries (/v1/subscriptions), through
the gateway, checked against openapi/alerts.yaml. A local receiver verifies
every signature with the secret; the stack retries after 1 s, five times
(HEARTH_WEBHOOK_RETRY_SCHEDULE=1,1,1,1,1 in tests/api/run.sh)."""
import json
import socket
import time
import uuid

import pytest

from hearth_client import DEMO_COUNCIL, DEMO_TENANT, assert_problem
from records import new_council, psql
from webhook_receiver import Receiver, sign, verify

MANAGER = {"roles": "commissioner"}


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def subscribe(api, url, event_types=("alerts.alert.*",), org=DEMO_COUNCIL, **kw):
    resp = api.post("/v1/subscriptions", {"url": url, "event_types": list(event_types)},
                    org=org, **{**MANAGER, **kw})
    assert resp.status_code == 201, resp.text
    return resp.json()


def emit(stack_env, org=DEMO_COUNCIL, tenant=DEMO_TENANT, type_="alerts.alert.created",
         title="Inadequate judgement at a home"):
    """An alert event in the alerts service's outbox, as a state change of an
    alert writes it (the trigger queues the deliveries in the same transaction)."""
    alert = {"id": str(uuid.uuid4()), "org_id": org, "kind": "inadequate_judgement",
             "title": title, "status": "open"}
    event_id = psql(stack_env,
                    "INSERT INTO alerts.outbox (tenant_id, org_id, type, subject_type, "
                    f"subject_id, payload) VALUES ('{tenant}', '{org}', '{type_}', 'alert', "
                    f"'{alert['id']}', '{json.dumps(alert)}'::jsonb) RETURNING id")
    return event_id.splitlines()[0], alert


def deliveries(api, sub_id, org=DEMO_COUNCIL):
    resp = api.get(f"/v1/subscriptions/{sub_id}/deliveries", org=org)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def wait_delivery(api, sub_id, done, timeout=25, org=DEMO_COUNCIL):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = deliveries(api, sub_id, org)
        if items and done(items[0]):
            return items[0]
        time.sleep(0.2)
    raise AssertionError(f"delivery never reached the state wanted: {items}")


def test_the_secret_is_shown_at_creation_only(api, receiver):
    resp = api.post("/v1/subscriptions", {"url": receiver.url, "event_types": ["alerts.alert.*"],
                                          "description": "Duty desk"}, **MANAGER)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert resp.headers["Location"] == f"/v1/subscriptions/{created['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert created["secret"].startswith("whsec_") and len(created["secret"]) == 50
    assert created["status"] == "active" and created["org_id"] == DEMO_COUNCIL

    got = api.get(f"/v1/subscriptions/{created['id']}", roles="viewer")
    assert got.status_code == 200
    assert "secret" not in got.json()
    assert got.json()["url"] == receiver.url
    listed = api.get("/v1/subscriptions", params={"limit": 500}, roles="viewer")
    assert all("secret" not in s for s in listed.json()["items"])
    assert created["id"] in [s["id"] for s in listed.json()["items"]]
    csv = api.get("/v1/subscriptions", headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and csv.text.startswith("id,org_id,url,event_types")
    assert created["secret"] not in csv.text
    stored = psql(api.stack_env, "SELECT count(*) FROM audit.events WHERE resource = "
                  f"'subscription' AND resource_id = '{created['id']}' AND method = 'POST'")
    assert stored == "1"


def test_an_idempotent_replay_answers_the_first_secret_and_creates_nothing(api, receiver):
    key = str(uuid.uuid4())
    body = {"url": receiver.url, "event_types": ["alerts.alert.created"]}
    first = api.post("/v1/subscriptions", body, headers={"Idempotency-Key": key}, **MANAGER)
    again = api.post("/v1/subscriptions", body, headers={"Idempotency-Key": key}, **MANAGER)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = api.post("/v1/subscriptions", {**body, "description": "x"},
                     headers={"Idempotency-Key": key}, **MANAGER)
    assert_problem(other, 422, "idempotency-key-reused")


def test_deliveries_are_signed_and_carry_the_alert(api, receiver):
    sub = subscribe(api, receiver.url)
    receiver.secret = sub["secret"]
    event_id, alert = emit(api.stack_env)
    headers, body, verified = receiver.wait_for(1)[0]
    assert verified, headers
    sent = json.loads(body)
    assert sent["type"] == "alerts.alert.created"
    assert sent["data"] == alert
    assert sent["timestamp"].endswith("Z")
    assert headers["content-type"] == "application/json"
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    delivery = wait_delivery(api, sub["id"], lambda d: d["status"] == "delivered")
    assert headers["webhook-id"] == delivery["id"]
    assert delivery["event_id"] == event_id and delivery["attempt_count"] == 1
    assert delivery["next_attempt_at"] is None
    assert delivery["attempts"][0]["status_code"] == 200
    one = api.get(f"/v1/subscriptions/{sub['id']}/deliveries/{delivery['id']}")
    assert one.status_code == 200 and one.json()["id"] == delivery["id"]

    # A tampered body, id or timestamp no longer verifies with the secret.
    assert not verify(sub["secret"], headers, body.replace(b"Inadequate", b"Adequate"))
    assert not verify(sub["secret"], {**headers, "webhook-id": str(uuid.uuid4())}, body)
    assert not verify(sub["secret"], {**headers, "webhook-timestamp": "1"}, body)
    assert not verify("whsec_" + "A" * 43 + "=", headers, body)


def test_a_receiver_failing_three_times_gets_the_fourth_try(api):
    receiver = Receiver(answers=[500, 500, 500])
    try:
        sub = subscribe(api, receiver.url)
        receiver.secret = sub["secret"]
        emit(api.stack_env)
        requests = receiver.wait_for(4)
        assert all(ok for _, _, ok in requests)
        assert len({h["webhook-id"] for h, _, _ in requests}) == 1
        assert len({b for _, b, _ in requests}) == 1
        delivery = wait_delivery(api, sub["id"], lambda d: d["status"] == "delivered")
        assert delivery["attempt_count"] == 4
        assert [a["status_code"] for a in delivery["attempts"]] == [200, 500, 500, 500]
        assert [a["attempt"] for a in delivery["attempts"]] == [4, 3, 2, 1]
        assert len(receiver.requests) == 4
    finally:
        receiver.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_receiver_down_for_a_while_gets_it_when_back(api):
    port = free_port()
    sub = subscribe(api, f"http://127.0.0.1:{port}/hook")
    emit(api.stack_env)
    waiting = wait_delivery(api, sub["id"], lambda d: d["attempt_count"] >= 2)
    assert waiting["status"] == "pending" and waiting["next_attempt_at"] is not None
    assert waiting["attempts"][0]["status_code"] is None
    assert waiting["attempts"][0]["error"]
    receiver = Receiver(port=port)
    receiver.secret = sub["secret"]
    try:
        delivery = wait_delivery(api, sub["id"], lambda d: d["status"] == "delivered")
        assert delivery["attempts"][0]["status_code"] == 200
        assert receiver.wait_for(1)[0][2]
    finally:
        receiver.stop()


def test_failing_to_the_end_disables_the_subscription_and_redelivery_sends_again(api):
    receiver = Receiver(answers=[503] * 6)
    try:
        sub = subscribe(api, receiver.url)
        receiver.secret = sub["secret"]
        emit(api.stack_env)
        failed = wait_delivery(api, sub["id"], lambda d: d["status"] == "failed")
        assert failed["attempt_count"] == 6 and failed["failed_at"]
        got = api.get(f"/v1/subscriptions/{sub['id']}").json()
        assert got["status"] == "disabled" and "failed after 6 attempts" in got["disabled_reason"]
        path = f"/v1/subscriptions/{sub['id']}/deliveries/{failed['id']}/redeliver"
        assert_problem(api.post(path, **MANAGER), 409, "conflict")
        assert_problem(api.post(path, roles="viewer"), 403, "forbidden")

        back = api.patch(f"/v1/subscriptions/{sub['id']}", {"status": "active"},
                         headers={"If-Match": f'"{got["version"]}"',
                                  "Content-Type": "application/merge-patch+json"}, **MANAGER)
        assert back.status_code == 200, back.text
        assert back.json()["disabled_reason"] is None and "secret" not in back.json()
        again = api.post(path, **MANAGER)
        assert again.status_code == 202, again.text
        assert again.json()["status"] == "pending"
        delivered = wait_delivery(api, sub["id"], lambda d: d["status"] == "delivered")
        assert delivered["id"] == failed["id"] and delivered["attempt_count"] == 7
        requests = receiver.wait_for(7)
        assert len({h["webhook-id"] for h, _, _ in requests}) == 1
        assert all(ok for _, _, ok in requests)
        assert_problem(api.post(f"/v1/subscriptions/{sub['id']}/deliveries/{uuid.uuid4()}"
                                "/redeliver", **MANAGER), 404, "not-found")
    finally:
        receiver.stop()


def test_a_rotated_secret_is_shown_once_and_signs_from_then_on(api, receiver):
    sub = subscribe(api, receiver.url)
    path = f"/v1/subscriptions/{sub['id']}"
    assert_problem(api.patch(path, {"secret": "whsec_" + "A" * 43 + "="}, **MANAGER), 400,
                   "validation", "secret")
    assert_problem(api.patch(path, {"rotate_secret": "yes"}, **MANAGER), 400, "validation",
                   "rotate_secret")
    assert_problem(api.patch(path, {"rotate_secret": True}, headers={"If-Match": '"99"'},
                             **MANAGER), 412, "precondition-failed")
    rotated = api.patch(path, {"rotate_secret": True}, **MANAGER)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["secret"] != sub["secret"] and new["secret_rotated_at"]
    assert new["version"] == sub["version"] + 1
    assert rotated.headers["ETag"] == f'"{new["version"]}"'
    assert "secret" not in api.get(path).json()
    receiver.secret = new["secret"]
    emit(api.stack_env)
    headers, body, verified = receiver.wait_for(1)[0]
    assert verified
    assert not verify(sub["secret"], headers, body)


def test_event_patterns_and_paused_subscriptions_choose_what_is_queued(api, receiver):
    resolved_only = subscribe(api, receiver.url, event_types=["alerts.alert.resolved"])
    paused = subscribe(api, receiver.url)
    resp = api.patch(f"/v1/subscriptions/{paused['id']}", {"status": "paused"}, **MANAGER)
    assert resp.status_code == 200 and resp.json()["status"] == "paused"
    emit(api.stack_env, type_="alerts.alert.created")
    emit(api.stack_env, type_="alerts.alert.resolved")
    delivery = wait_delivery(api, resolved_only["id"], lambda d: d["status"] == "delivered")
    assert delivery["event_type"] == "alerts.alert.resolved"
    assert len(deliveries(api, resolved_only["id"])) == 1
    assert deliveries(api, paused["id"]) == []


def test_another_organisation_or_tenant_sees_no_subscription_or_delivery(api, receiver,
                                                                        other_tenant):
    sub = subscribe(api, receiver.url)
    receiver.secret = sub["secret"]
    other_council = new_council(api)
    # An alert of another council is never delivered to this council's endpoint.
    emit(api.stack_env, org=other_council, title="Another council alert")
    emit(api.stack_env, org=other_tenant["org"], tenant=other_tenant["tenant"],
         title="Another tenant alert")
    emit(api.stack_env, title="Our alert")
    wait_delivery(api, sub["id"], lambda d: d["status"] == "delivered")
    time.sleep(0.5)
    assert [b["data"]["title"] for b in receiver.bodies()] == ["Our alert"]
    readers = [api.token(roles="commissioner", org=other_council),
               api.token(roles="commissioner", org=other_tenant["org"],
                         tenant=other_tenant["tenant"])]
    for token in readers:
        assert sub["id"] not in [s["id"] for s in
                                 api.get("/v1/subscriptions", token=token).json()["items"]]
        assert_problem(api.get(f"/v1/subscriptions/{sub['id']}", token=token), 404, "not-found")
        assert_problem(api.get(f"/v1/subscriptions/{sub['id']}/deliveries", token=token), 404,
                       "not-found")
        assert_problem(api.patch(f"/v1/subscriptions/{sub['id']}", {"status": "paused"},
                                 token=token), 404, "not-found")
    assert api.get(f"/v1/subscriptions/{sub['id']}").json()["status"] == "active"


@pytest.mark.parametrize("url, message", [
    ("http://example.com/hook", "http only to a host the operator allows"),
    ("https://10.1.2.3/hook", "private"),
    ("https://169.254.169.254/latest/meta-data", "private"),
    ("https://[fd00::1]/hook", "private"),
    ("https://[::ffff:192.168.0.1]/hook", "private"),
    ("https://100.64.0.1/hook", "private"),
    ("ftp://example.com/hook", "must use https"),
    ("file:///etc/passwd", "must"),
    ("https://user:pw@example.com/hook", "user name or password"),
    ("not a url", "must"),
    ("https://no-such-host.invalid/hook", "does not resolve"),
])
def test_urls_that_could_reach_inside_are_refused(api, url, message):
    resp = api.post("/v1/subscriptions", {"url": url, "event_types": ["alerts.alert.*"]},
                    **MANAGER)
    body = assert_problem(resp, 400, "validation", "url")
    assert message in json.dumps(body), body


def test_a_patch_to_a_private_url_is_refused_and_changes_nothing(api, receiver):
    sub = subscribe(api, receiver.url)
    resp = api.patch(f"/v1/subscriptions/{sub['id']}", {"url": "https://192.168.1.10/"},
                     **MANAGER)
    assert_problem(resp, 400, "validation", "url")
    assert api.get(f"/v1/subscriptions/{sub['id']}").json()["url"] == receiver.url


def test_bad_bodies_and_roles_are_refused(api, receiver):
    body = {"url": receiver.url, "event_types": ["alerts.alert.*"]}
    assert_problem(api.post("/v1/subscriptions", body, roles="viewer"), 403, "forbidden")
    assert_problem(api.post("/v1/subscriptions", body, roles="qa_officer"), 403, "forbidden")
    assert api.post("/v1/subscriptions", body, roles="tenant_admin").status_code == 201
    assert_problem(api.post("/v1/subscriptions", {**body, "secret": "whsec_x"}, **MANAGER),
                   400, "validation", "secret")
    assert_problem(api.post("/v1/subscriptions", {**body, "event_types": ["Alerts.*"]},
                            **MANAGER), 400, "validation", "event_types")
    assert_problem(api.post("/v1/subscriptions", {**body, "event_types": []}, **MANAGER), 400,
                   "validation", "event_types")
    assert_problem(api.post("/v1/subscriptions", {"url": receiver.url}, **MANAGER), 400,
                   "validation", "event_types")
    assert_problem(api.post("/v1/subscriptions", {**body, "colour": "red"}, **MANAGER), 400,
                   "validation", "colour")
    assert_problem(api.get("/v1/subscriptions", params={"status": "asleep"}), 400,
                   "validation", "status")
    assert_problem(api.get(f"/v1/subscriptions/{uuid.uuid4()}"), 404, "not-found")
    assert_problem(api.get(f"/v1/subscriptions/{uuid.uuid4()}/deliveries"), 404, "not-found")


def test_the_test_receiver_signs_as_the_specification_does():
    # The Standard Webhooks example: the receiver's verifier is itself checked.
    assert sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330", b'{"test": 2432232314}') == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_an_inadequate_judgement_reaches_each_council_with_a_child_there_as_its_own_alert(api):
    """The whole flow: an inspection recorded in the QA service becomes an alert
    for each council with a child at the home, each delivered, signed, to that
    council's own endpoint only."""
    from alerts_support import days, record_inadequate
    from records import new_home, new_home_provider, place

    provider = new_home_provider(api)
    home = new_home(api, provider)
    councils = [new_council(api) for _ in range(3)]
    receivers = {c: Receiver() for c in councils}
    try:
        for council in councils[:2]:
            place(api, council, provider, home, days(-10))
        for council, receiver in receivers.items():
            receiver.secret = subscribe(api, receiver.url, org=council)["secret"]
        record_inadequate(api, home)
        for council in councils[:2]:
            headers, body, verified = receivers[council].wait_for(1)[0]
            sent = json.loads(body)
            assert verified
            assert sent["type"] == "alerts.alert.created"
            assert sent["data"]["org_id"] == council
            assert sent["data"]["kind"] == "inadequate_judgement"
            assert sent["data"]["subject_id"] == home
            assert sorted(d["name"] for d in sent["data"]["deadlines"]) == ["decision", "visit"]
        time.sleep(1)
        assert receivers[councils[2]].requests == []
        for council in councils[:2]:
            assert len(receivers[council].requests) == 1
    finally:
        for r in receivers.values():
            r.stop()
