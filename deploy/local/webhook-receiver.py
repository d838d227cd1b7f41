#!/usr/bin/env python3
"""A small webhook receiver for `make run`: prints every delivery and whether
its Standard Webhooks signature verifies with the secret.

    deploy/local/webhook-receiver.py                 # the demo subscription's port and secret
    deploy/local/webhook-receiver.py --port 9000 --secret whsec_...

Answers 200 to a good signature and 400 to a bad one (so a tampered delivery
is retried and shows in the delivery log)."""
import argparse
import base64
import hashlib
import hmac
import http.server
import json

DEMO_SECRET = "whsec_cbEbJ17DrLxkoS9pWb/IZ7tDU3q41VuXjwLfwSbL65g="


def verified(secret, headers, body):
    key = base64.b64decode(secret[len("whsec_"):])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--secret", default=DEMO_SECRET)
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                ok = verified(args.secret, headers, body)
            except (KeyError, ValueError):
                ok = False
            event = json.loads(body or b"{}")
            print(f"{'verified' if ok else 'BAD SIGNATURE'} id={headers.get('webhook-id')} "
                  f"type={event.get('type')} title={event.get('data', {}).get('title')!r}",
                  flush=True)
            self.send_response(200 if ok else 400)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    print(f"listening on http://127.0.0.1:{args.port}/hook", flush=True)
    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
