"""A local robot endpoint for the tests: records each POST, answers from a script.

Started on 127.0.0.1:0 in a thread; each scripted answer is (HTTP status, JSON body, seconds to
sleep before answering). Once the script is used up it answers 200 with `ok_body`.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class RobotServer:
    def __init__(self, ok_body=None):
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict, float]] = []
        self.ok_body = ok_body if ok_body is not None else {"errcode": 0, "errmsg": "ok"}
        self.release = threading.Event()  # ends a sleeping answer early at shutdown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                server.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "headers": dict(self.headers),
                        "body": json.loads(raw),
                    }
                )
                status, body, sleep = (
                    server.script.pop(0) if server.script else (200, server.ok_body, 0)
                )
                if sleep:
                    server.release.wait(sleep)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout) before the answer
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path="/cgi-bin/webhook/send?key=test-key-123456") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
