"""A small webhook receiver for the tests: an http.server on 127.0.0.1 in a
thread that verifies every Standard Webhooks signature with the subscription's
secret and answers with the statuses it is told (then 200)."""
import base64
import hashlib
import hmac
import http.server
import json
import threading
import time


def sign(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret[len("whsec_"):])
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret, headers, body):
    """True when one of the webhook-signature entries signs this message."""
    expected = sign(secret, headers["webhook-id"], headers["webhook-timestamp"], body)
    return any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split())


class Receiver:
    def __init__(self, answers=(), port=0):
        self.secret = None
        self.answers = list(answers)  # statuses for the first requests, then 200
        self.requests = []            # (headers dict, body bytes, verified)
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    ok = receiver.secret is not None and verify(receiver.secret, headers, body)
                    receiver.requests.append((headers, body, ok))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        with self.lock:
            return [json.loads(b) for _, b, _ in self.requests]

    def wait_for(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"{len(self.requests)} requests arrived, wanted {count}")
