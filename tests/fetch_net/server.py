"""A small HTTP(S) server for tern's network fetcher tests (tests/fetch_net.rs).

Serves files under --root on 127.0.0.1 (a free port, written to --port-file),
with an ETag (the SHA-1 of the bytes) and 304 answers to a matching
If-None-Match. --routes names a JSON object mapping request paths (with their
query) to files, for forge API stand-ins. /truncated/NAME answers with a
Content-Length larger than the bytes it sends. Every request is appended to
--log as "METHOD PATH HEADER-SUMMARY". With --cert/--key it speaks HTTPS.
"""

import argparse
import hashlib
import http.server
import json
import os
import ssl
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--routes")
    p.add_argument("--cert")
    p.add_argument("--key")
    a = p.parse_args()
    routes = {}
    if a.routes:
        with open(a.routes) as f:
            routes = json.load(f)
    root = os.path.realpath(a.root)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def record(self):
            auth = self.headers.get("Authorization") or self.headers.get("Private-token") or "-"
            inm = self.headers.get("If-None-Match") or "-"
            with open(a.log, "a") as f:
                f.write(f"{self.command} {self.path} auth={auth} inm={inm}\n")

        def send(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            self.record()
            path = self.path
            if path.startswith("/truncated/"):
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"only the first bytes")
                self.wfile.flush()
                return
            target = routes.get(path) or routes.get(path.split("?")[0])
            if target is None:
                rel = path.split("?")[0].lstrip("/")
                target = os.path.realpath(os.path.join(root, rel))
                if not (target == root or target.startswith(root + os.sep)):
                    return self.send(403)
            if not os.path.isfile(target):
                return self.send(404, b"not found\n")
            with open(target, "rb") as f:
                body = f.read()
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", [("ETag", etag)])
            self.send(200, body, [("ETag", etag)])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, a.port_file)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
