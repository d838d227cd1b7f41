"""Resident memory of hearth-placements around batch bodies (run by
batch_memory.sh): one valid 10,000-item batch, then 8 concurrent maximal
malformed bodies, each phase's peak (VmHWM, reset before it) and the resident
size once it is over. Prints figures; exits non-zero only when an answer is not
what the phase expects (then the figures would not measure the right thing).

Arguments: service port, pid, token for the batch, then one token per
concurrent body (their tenants decide which per-tenant caps apply)."""
import json
import select
import socket
import sys
import threading
import time

MB = 1024 * 1024
LIMIT = 32 * MB


def status_of(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def post(port, token, body):
    """POST the body; an answer that comes while it is being sent (a refusal
    from the headers) stops the sending. Returns (status, body)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=300)
    head = (f"POST /v1/placements/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    try:
        sock.sendall(head.encode())
        view = memoryview(body)
        for at in range(0, len(body), MB):
            if select.select([sock], [], [], 0)[0]:
                break
            sock.sendall(view[at:at + MB])
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    sock.close()
    if not data.startswith(b"HTTP/1.1 "):
        return 0, data
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


def valid_batch(n, run):
    items = [{"external_ref": f"BM-{run}-{i}",
              "child": {"local_ref": f"BMC-{run}-{i}", "birth_month": "2012-05",
                        "gender": "female", "legal_status": "full_care_order"},
              "placement_type": "fostering", "provision": "internal", "sourcing": "in_house",
              "start_date": "2024-01-01", "weekly_cost_pence": 45000} for i in range(n)]
    return json.dumps({"items": items}).encode()


def malformed_bodies():
    """Bodies of just under the limit, each refused for another reason, and the
    costliest last: one that passes every bound and breaks only at its end,
    so the parser builds nearly all of it before failing."""
    many = b'{"items": [' + b"{}," * ((LIMIT - 16) // 3) + b"{}]}"
    deep = b"[" * (LIMIT // 2 - 1) + b"]" * (LIMIT // 2 - 1)
    filler = "x" * ((LIMIT - 200_000) // 10_000 - 40)
    long_items = ('{"items": [' + ",".join(
        '{"external_ref": "%d", "notes": "%s"}' % (i, filler) for i in range(10_000)))
    truncated = long_items.encode()[: LIMIT - 1]
    return [many, deep, truncated, truncated]


def measure(pid, label, run):
    reset_peak(pid)
    before = status_of(pid, "VmRSS")
    t0 = time.time()
    results = run()
    seconds = time.time() - t0
    peak = status_of(pid, "VmHWM")
    time.sleep(2)
    after = status_of(pid, "VmRSS")
    print(f"{label:<52} {before / 1024:8.1f} {peak / 1024:8.1f} {after / 1024:8.1f} {seconds:8.2f}")
    return results


def main():
    port, pid, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    concurrent_tokens = sys.argv[4:]
    run = str(int(time.time()))
    batch = valid_batch(10_000, run)
    print(f"bench: valid batch {len(batch) / MB:.1f} MB; malformed bodies {LIMIT / MB:.0f} MB each")
    print(f"{'hearth-placements, MB':<52} {'before':>8} {'peak':>8} {'after':>8} {'seconds':>8}")
    status, data = measure(pid, "one 10,000-item batch (all created)", lambda: post(port, token, batch))
    if status != 200:
        sys.exit(f"bench: the batch answered {status}: {data[:300]!r}")

    bodies = malformed_bodies()
    answers = []
    lock = threading.Lock()

    def one(i):
        status, _ = post(port, concurrent_tokens[i], bodies[i % len(bodies)])
        with lock:
            answers.append(status)

    def eight():
        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(concurrent_tokens))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return answers

    measure(pid, f"{len(concurrent_tokens)} concurrent maximal malformed bodies", eight)
    counts = {s: answers.count(s) for s in sorted(set(answers))}
    print(f"bench: malformed bodies answered {counts}")
    if len(answers) != len(concurrent_tokens) or any(
            s < 400 or (s >= 500 and s != 503) for s in answers):
        sys.exit("bench: a malformed body was not refused with a 4xx (or 503 past the cap)")


main()
