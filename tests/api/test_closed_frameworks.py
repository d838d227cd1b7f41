"""A closed framework admits no one, on every path and under concurrency: a
removed member cannot be reinstated by PATCH, and an admission racing a close
either commits before it or is refused after it, never both."""
import subprocess
import threading
import time

from conftest import unique
from hearth_client import DEMO_TENANT, assert_problem
from test_frameworks import ADMIN, add_member, lot_id, new_framework, new_provider


def members_path(fw):
    return f"/v1/frameworks/{fw['id']}/members"


def test_a_removed_member_of_a_closed_framework_stays_removed(api):
    fw = new_framework(api)
    gone, kept = new_provider(api), new_provider(api)
    add_member(api, fw, gone["id"])
    add_member(api, fw, kept["id"])
    path = f"{members_path(fw)}/{gone['id']}"
    removed = api.patch(path, {"status": "removed", "reason": "Left the market"}, **ADMIN).json()
    kept_path = f"{members_path(fw)}/{kept['id']}"
    assert api.patch(kept_path, {"status": "suspended", "reason": "Review"}, **ADMIN).status_code == 200
    assert api.patch(f"/v1/frameworks/{fw['id']}", {"status": "closed"}, **ADMIN).status_code == 200

    for body in ({"status": "active", "reason": "Appeal upheld"},
                 {"status": "suspended", "reason": "Back, suspended"}):
        resp = api.patch(path, body, **ADMIN)
        assert_problem(resp, 409, "conflict")
        assert "closed" in resp.json()["detail"]
    assert api.get(path).json() == removed
    # A member still in the framework keeps its ordinary changes: reinstating a
    # suspension admits no one new.
    back = api.patch(kept_path, {"status": "active"}, **ADMIN)
    assert back.status_code == 200 and back.json()["status"] == "active"
    # Reopened, the removed member can be reinstated again.
    assert api.patch(f"/v1/frameworks/{fw['id']}", {"status": "active"}, **ADMIN).status_code == 200
    assert api.patch(path, {"status": "active", "reason": "Re-admitted"}, **ADMIN).status_code == 200


def _session_url(stack_env, application_name):
    return (f"host={stack_env['HEARTH_PG_SOCKET_DIR']} port={stack_env['HEARTH_PG_PORT']} "
            f"dbname=hearth user=hearth_providers application_name={application_name}")


def _wait_idle_in_transaction(stack_env, application_name, timeout_s=10):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = subprocess.run(
            ["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c",
             f"SELECT state FROM pg_stat_activity WHERE application_name = '{application_name}'"],
            capture_output=True, text=True).stdout.strip()
        if state == "idle in transaction":
            return
        time.sleep(0.05)
    raise AssertionError(f"session {application_name} never held its transaction")


def test_an_admission_racing_a_close_waits_for_it_and_is_refused(api, stack_env):
    """The close's transaction is held open in a session of the service's own
    role; the admission through the API must wait for it and then see the
    framework closed. Without the lock it would read "open" and commit."""
    fw = new_framework(api)
    late = new_provider(api)
    name = unique("closer")
    closer = subprocess.Popen(["psql", _session_url(stack_env, name), "-q", "-v", "ON_ERROR_STOP=1"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    result = {}
    try:
        closer.stdin.write(f"BEGIN;\nSELECT set_config('hearth.tenant_id', '{DEMO_TENANT}', true);\n"
                           f"UPDATE providers.frameworks SET status = 'closed' "
                           f"WHERE id = '{fw['id']}';\n")
        closer.stdin.flush()
        _wait_idle_in_transaction(stack_env, name)

        def admit():
            result["resp"] = api.post(members_path(fw), {"provider_id": late["id"],
                                                         "lot_id": lot_id(fw, "L1")}, **ADMIN)
        admission = threading.Thread(target=admit)
        admission.start()
        admission.join(1.0)
        assert admission.is_alive(), "the admission did not wait for the close"
        closer.stdin.write("COMMIT;\n")
        closer.stdin.close()
        assert closer.wait(10) == 0, closer.stderr.read()
        admission.join(10)
    finally:
        if closer.poll() is None:
            closer.kill()
    assert_problem(result["resp"], 409, "conflict")
    assert "closed" in result["resp"].json()["detail"]
    assert api.get(members_path(fw)).json()["items"] == []
    assert api.get(f"/v1/frameworks/{fw['id']}").json()["status"] == "closed"
