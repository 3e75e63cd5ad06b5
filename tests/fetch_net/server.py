"""A small HTTP(S) server for tern's network fetcher tests (tests/fetch_net.rs).

Serves files under --root on 127.0.0.1 (a free port, written to --port-file),
with an ETag (the SHA-1 of the bytes) and 304 answers to a matching
If-None-Match. --routes names a JSON object mapping request paths (with their
query) to files, for forge API stand-ins, or to {"file": …, "headers": [[name,
value], …]} to answer with extra headers (a tarball's `Link: <…>;
rel="immutable"`; "{base}" in a value stands for this server's
http://127.0.0.1:PORT). /truncated/NAME answers with a
Content-Length larger than the bytes it sends. Every request is appended to
--log as "METHOD PATH HEADER-SUMMARY". With --cert/--key it speaks HTTPS.
With --smart-git, git's smart HTTP protocol is served for the repositories
under --root through `git http-backend` (a CGI program), so that clients can
fetch shallow (`--depth 1`), which the plain-file ("dumb") protocol cannot.
A POST to .../info/lfs/objects/batch is a git LFS batch API stand-in: each
object asked for is offered from /lfs-objects/OID under --root (with an
Authorization header to send along), or refused with a 404 error entry; the
request's Content-Type and Accept are logged with it.
"""

import argparse
import hashlib
import http.server
import json
import os
import ssl
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--routes")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--smart-git", action="store_true")
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

        def is_smart_git(self):
            path = self.path.split("?")[0]
            return a.smart_git and (
                "service=git-" in self.path or path.endswith("/git-upload-pack")
            )

        def smart_git(self):
            """Runs `git http-backend` as a CGI program and relays its answer."""
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            env = dict(os.environ)
            env.update(
                GIT_PROJECT_ROOT=root,
                GIT_HTTP_EXPORT_ALL="1",
                PATH_INFO=path,
                QUERY_STRING=query,
                REQUEST_METHOD=self.command,
                CONTENT_TYPE=self.headers.get("Content-Type") or "",
                CONTENT_LENGTH=str(len(body)),
                REMOTE_ADDR="127.0.0.1",
                GIT_PROTOCOL=self.headers.get("Git-Protocol") or "",
            )
            if self.headers.get("Content-Encoding") == "gzip":
                env["HTTP_CONTENT_ENCODING"] = "gzip"
            out = subprocess.run(
                ["git", "http-backend"], input=body, env=env, capture_output=True
            ).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            if not _:
                head, _, payload = out.partition(b"\n\n")
            code, headers = 200, []
            for line in head.decode().splitlines():
                k, _, v = line.partition(":")
                if k.lower() == "status":
                    code = int(v.split()[0])
                elif k:
                    headers.append((k.strip(), v.strip()))
            self.send(code, payload, headers)

        def lfs_batch(self):
            length = int(self.headers.get("Content-Length") or 0)
            req = json.loads(self.rfile.read(length))
            with open(a.log, "a") as f:
                ct = self.headers.get("Content-Type")
                acc = self.headers.get("Accept")
                f.write(f"LFS-BATCH {json.dumps(req, sort_keys=True)} ct={ct} accept={acc}\n")
            base = "http://127.0.0.1:%d" % self.server.server_address[1]
            objects = []
            for o in req.get("objects", []):
                oid = o["oid"]
                entry = {"oid": oid, "size": o["size"]}
                if os.path.isfile(os.path.join(root, "lfs-objects", oid)):
                    entry["actions"] = {
                        "download": {
                            "href": f"{base}/lfs-objects/{oid}",
                            "header": {"Authorization": "Token lfs-test"},
                        }
                    }
                else:
                    entry["error"] = {"code": 404, "message": "Object does not exist"}
                objects.append(entry)
            body = json.dumps({"transfer": "basic", "objects": objects}).encode()
            self.send(200, body, [("Content-Type", "application/vnd.git-lfs+json")])

        def do_POST(self):
            self.record()
            if self.path.split("?")[0].endswith("/info/lfs/objects/batch"):
                return self.lfs_batch()
            if self.is_smart_git():
                return self.smart_git()
            self.send(404, b"not found\n")

        def do_GET(self):
            self.record()
            if self.is_smart_git():
                return self.smart_git()
            path = self.path
            if path.startswith("/truncated/"):
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"only the first bytes")
                self.wfile.flush()
                return
            target = routes.get(path) or routes.get(path.split("?")[0])
            extra = []
            if isinstance(target, dict):
                base = "http://127.0.0.1:%d" % self.server.server_address[1]
                extra = [(k, v.replace("{base}", base)) for k, v in target.get("headers", [])]
                target = target["file"]
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
            self.send(200, body, [("ETag", etag)] + extra)

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
