"""The fixture web: one loopback TCP port that plays many web sites.

Chromium is started with `--host-resolver-rules=MAP * 127.0.0.1:PORT`, so every
host name it looks up lands here. Per connection we peek at the first byte: 0x16
is a TLS ClientHello and the socket is wrapped with a certificate made at start
(Chromium runs with --ignore-certificate-errors), anything else is plain HTTP.
So http://, https://, ws:// and wss:// all share the port.

Every request the server receives is appended to `FixtureServer.log`, including
404s and WebSocket handshakes and frames. That log is the ground truth of what
left the browser; the integration tests compare trackscan's output against it.

Routing: ROUTES maps (host, path) or ("*", path) to a handler; anything else is
served from pages/<host><path> when the file exists, else 404. Hosts listed in
PIXEL_HOSTS answer every unknown path with a 1x1 GIF, like real trackers do.

Python stdlib only. One thread per connection (daemon threads), HTTP/1.1
keep-alive, hand-written RFC 6455 WebSocket.
"""

import base64
import dataclasses
import hashlib
import os
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse

PAGES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pages")

# Every host name the fixture pages use. Distinct registrable domains unless
# the comment says first-party.
HOSTS = [
    "www.clinic.test", "cdn.clinic.test", "sw.clinic.test",  # first-party (clinic.test)
    "tracker.test", "ads.tracker2.test", "iframe.partner.test",
    "popup.adnet.test", "live.chat3p.test",
    "hop1.test", "hop2.test", "hop3.test",
    "site-a.test", "site-b.test", "site-c.test",
    "www.facebook.com",  # HSTS-preloaded: Chromium only ever speaks TLS to it
    "fp.test", "fpjs.test", "fpframe.test",  # fingerprinting (pages/fp.test/)
    "www.clarity.ms", "y.clarity.ms",  # a session recorder on a listed vendor's hosts
    "forms.test", "widget.test",  # interaction and consent pages (issue 4)
    # The fixture clinic's trackers (issue 4) under their real names, so that
    # TrackerDB and the filter lists know them; the pages speak HTTPS to them.
    "connect.facebook.net", "www.googletagmanager.com", "region1.google-analytics.com",
    "fpnpmcdn.net", "api.fpjs.io",
    "guard.test",  # the private-network guard's allowed page (test_egress_guard.py)
    "flood.test",  # issue 11: a page that floods requests, POST bodies and cookie writes
    "hostile.test", "frames.hostile3p.test",  # hostile pages (test_hostile.py, issue 11)
]

# Trackers answer any path with a pixel, so pages can vary query strings freely.
PIXEL_HOSTS = {"tracker.test", "ads.tracker2.test", "www.facebook.com", "fpjs.test", "y.clarity.ms",
               "region1.google-analytics.com", "api.fpjs.io", "flood.test"}

# Hosts whose request bodies the log keeps only the start of (the flood page
# POSTs 400 MiB); the log's body_size keeps the whole length.
LOG_BODY_PREFIX_HOSTS = {"flood.test": 64}

# Long enough to outlive any visit, short enough that a forgotten connection
# does not keep a thread for the whole session.
HOLD_SECONDS = 120
IDLE_TIMEOUT = 30

GIF_1X1 = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css",
    ".gif": "image/gif",
    ".json": "application/json",
}


@dataclasses.dataclass
class LogEntry:
    """One thing the server received. kind: http | ws_handshake | ws_frame."""
    seq: int
    time: float
    kind: str
    scheme: str          # http, https, ws, wss
    host: str            # Host header without port, lower case
    method: str          # GET, POST, ...; for ws_frame: "FRAME"
    target: str          # path?query exactly as on the request line
    headers: list        # [[name, value], ...] in arrival order
    body: bytes          # request body, or the frame payload (LOG_BODY_PREFIX_HOSTS: its start)
    opcode: int = None   # ws_frame only
    body_size: int = None  # len of the whole body

    @property
    def url(self):
        """The URL as the browser saw it: the mapped port is not part of it."""
        return f"{self.scheme}://{self.host}{self.target}"

    @property
    def path(self):
        return self.target.split("?", 1)[0]


@dataclasses.dataclass
class Request:
    scheme: str
    host: str
    method: str
    target: str
    headers: list
    body: bytes

    @property
    def path(self):
        return self.target.split("?", 1)[0]

    @property
    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.target).query)

    def header(self, name, default=None):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default


@dataclasses.dataclass
class Response:
    status: int = 200
    headers: list = dataclasses.field(default_factory=list)
    body: bytes = b""
    hold: bool = False        # send nothing and keep the connection open
    websocket: bool = False   # switch to the WebSocket echo protocol


REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found",
           307: "Temporary Redirect", 404: "Not Found", 500: "Internal Server Error"}


# ---------------------------------------------------------------- handlers

def no_store(headers):
    """Every response is uncacheable so every load really reaches the server."""
    return [("Cache-Control", "no-store")] + list(headers)


def page(relative_path, *extra_headers):
    """A static file from pages/ plus extra headers (e.g. Set-Cookie)."""
    def handler(req):
        resp = serve_file(os.path.join(PAGES_DIR, relative_path))
        resp.headers += list(extra_headers)
        return resp
    return handler


def redirect(status, location):
    return lambda req: Response(status, [("Location", location)], b"")


def redirect_to(req):
    """302 to the URL in ?to=: a server the scan may reach, sending it elsewhere."""
    return Response(302, [("Location", req.query.get("to", ["/"])[0])], b"")


def status_page(status):
    body = f"<html><body><h1>{status}</h1><img src='/after-error.gif'></body></html>"
    return lambda req: Response(status, [("Content-Type", "text/html")], body.encode())


def pixel(req, *extra_headers):
    # Trackers send ACAO so cross-origin fetch() from pages and workers succeeds
    # and is recorded as an ordinary finished request, not a CORS failure.
    return Response(200, [("Content-Type", "image/gif"),
                          ("Access-Control-Allow-Origin", "*")] + list(extra_headers), GIF_1X1)


def hold(req):
    return Response(hold=True)


def websocket(req):
    return Response(websocket=True)


def download(req):
    return Response(200, [("Content-Type", "text/csv"),
                          ("Content-Disposition", 'attachment; filename="report.csv"')],
                    b"patient,visit\nalice,2024-01-01\n")


def echo_cookies(req):
    """Reflects the Cookie header, so a page can prove a cookie is sent."""
    body = (req.header("Cookie") or "").encode()
    return Response(200, [("Content-Type", "text/plain"),
                          ("Access-Control-Allow-Origin", "*")], body)


# Not UTF-8: 0xFF 0xFE, a broken two-byte sequence (C3 28) and a lone surrogate
# encoded as if it were UTF-8 (ED A0 80). A str of Latin-1 code points, so
# that encode_response writes these exact bytes into a header.
BAD_BYTES = "\xff\xfe\xc3\x28\xed\xa0\x80"


def with_bad_bytes(status=200, location=None):
    """A response whose headers carry BAD_BYTES (pages/hostile.test/bad-bytes.html)."""
    def handler(req):
        headers = [("Content-Type", "text/plain"), ("X-Hostile", "bad " + BAD_BYTES),
                   ("Set-Cookie", f"bad_bytes={BAD_BYTES}; Path=/")]
        if location:
            headers.append(("Location", location))
        return Response(status, headers, b"ok")
    return handler


# What the server sends after a WebSocket handshake, by path: (opcode, payload)
# frames, then it echoes as usual. Any other path gets WS_GREETING.
WS_GREETING = [(1, b"hello-from-server")]
WS_FRAMES = {
    # Binary with invalid UTF-8, valid text, then text that is not UTF-8 (ED A0
    # 80 is an encoded lone surrogate): Chromium fails the socket there.
    "/ws-bad-frames": [(2, b"\xff\xfe\x00binary"), (1, "caf\u00e9".encode()),
                       (1, b"lone \xed\xa0\x80 and \xff\xfe")],
}

ROUTES = {
    ("iframe.partner.test", "/frame.html"): page(
        "iframe.partner.test/frame.html",
        ("Set-Cookie", "partner_uid=p-123; Path=/; Max-Age=86400; SameSite=None; Secure")),
    ("www.clinic.test", "/cookies.html"): page(
        "www.clinic.test/cookies.html",
        ("Set-Cookie", "hdr_plain=h1; Path=/; Max-Age=86400"),
        ("Set-Cookie", "hdr_httponly=h2; Path=/; HttpOnly"),
        ("Set-Cookie", "hdr_samesite_none=h3; Path=/; SameSite=None; Secure"),
        ("Set-Cookie", "hdr_partitioned=h4; Path=/; SameSite=None; Secure; Partitioned")),
    ("tracker.test", "/chips.gif"): lambda req: pixel(
        req, ("Set-Cookie", "tp_chips=c-9; Path=/; SameSite=None; Secure; Partitioned")),
    ("hop1.test", "/r1"): redirect(301, "http://hop2.test/r2?from=hop1"),
    ("hop2.test", "/r2"): redirect(302, "http://hop3.test/r3?from=hop2"),
    ("hop3.test", "/r3"): redirect(307, "http://tracker.test/chain-end.gif?from=hop3"),
    ("www.clinic.test", "/error500"): status_page(500),
    ("www.clinic.test", "/download/report.csv"): download,
    ("widget.test", "/newsletter.html"): page("forms.test/newsletter.html"),
    ("*", "/hold"): hold,
    ("*", "/ws"): websocket,
    ("*", "/echo-cookies"): echo_cookies,
    ("*", "/pixel.gif"): pixel,
    ("guard.test", "/redirect-to"): redirect_to,
    # fingerprinting fixtures: every file lives in pages/fp.test/
    ("fpjs.test", "/fp.js"): page("fp.test/fpjs.js"),
    ("fpframe.test", "/audio.html"): page("fp.test/audio-frame.html"),
    ("fpframe.test", "/audio.js"): page("fp.test/audio.js"),
    ("www.clarity.ms", "/s/recorder.js"): page("fp.test/recorder.js"),
    ("www.googletagmanager.com", "/gtag/js"): page("www.googletagmanager.com/gtag.js"),
    # invalid UTF-8 in headers (pages/hostile.test/bad-bytes.html)
    ("hostile.test", "/bad-bytes.html"): page(
        "hostile.test/bad-bytes.html", ("X-Hostile", "bad " + BAD_BYTES),
        ("Set-Cookie", f"bad_page={BAD_BYTES}; Path=/")),
    ("hostile.test", "/bad-headers"): with_bad_bytes(),
    ("hostile.test", "/bad-redirect"): with_bad_bytes(302, f"/pixel.gif?after={BAD_BYTES}"),
}


def serve_file(path):
    if path.endswith("/"):
        path += "index.html"
    real = os.path.realpath(path)
    if not real.startswith(os.path.realpath(PAGES_DIR) + os.sep) or not os.path.isfile(real):
        return Response(404, [("Content-Type", "text/plain")], b"not found")
    with open(real, "rb") as f:
        body = f.read()
    ctype = CONTENT_TYPES.get(os.path.splitext(real)[1], "application/octet-stream")
    headers = [("Content-Type", ctype)]
    if real.endswith(".js"):
        # Workers and the service worker script are fetched by other origins' pages too.
        headers.append(("Access-Control-Allow-Origin", "*"))
    return Response(200, headers, body)


def route(req):
    handler = ROUTES.get((req.host, req.path)) or ROUTES.get(("*", req.path))
    if handler:
        return handler(req)
    resp = serve_file(os.path.join(PAGES_DIR, req.host) + req.path)
    if resp.status == 404 and req.host in PIXEL_HOSTS:
        return pixel(req)
    return resp


# ---------------------------------------------------------------- certificate

def make_certificate(directory):
    """Self-signed certificate with a SAN for every fixture host, via openssl."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    san = ",".join(f"DNS:{h}" for h in HOSTS) + ",DNS:*.test,IP:127.0.0.1"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", key, "-out", cert, "-subj", "/CN=trackscan fixture web",
         "-addext", f"subjectAltName={san}"],
        check=True, capture_output=True)
    return cert, key


# ---------------------------------------------------------------- server

class FixtureServer:
    """Start with start(); read `log` (or entries_since) at any time; stop()."""

    def __init__(self, cert_dir, host="127.0.0.1"):
        """`host`: the address to listen on (another one lets browsers in other
        network namespaces reach the server; the port is picked free)."""
        self._lock = threading.Lock()
        self._log = []
        self._stopping = threading.Event()
        cert, key = make_certificate(cert_dir)
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.load_cert_chain(cert, key)
        self._tls.set_alpn_protocols(["http/1.1"])  # never h2: we parse HTTP/1.1
        self._listener = socket.create_server((host, 0), backlog=128)
        self.port = self._listener.getsockname()[1]

    # -- log

    @property
    def log(self):
        with self._lock:
            return list(self._log)

    def log_length(self):
        with self._lock:
            return len(self._log)

    def entries_since(self, start, end=None):
        with self._lock:
            return list(self._log[start:end])

    def _record(self, **fields):
        fields["body_size"] = len(fields["body"])
        prefix = LOG_BODY_PREFIX_HOSTS.get(fields["host"])
        if prefix is not None:
            fields["body"] = fields["body"][:prefix]
        with self._lock:
            entry = LogEntry(seq=len(self._log), time=time.time(), **fields)
            self._log.append(entry)
            return entry

    # -- lifecycle

    def start(self):
        threading.Thread(target=self._accept_loop, name="fixture-accept", daemon=True).start()
        return self

    def stop(self):
        self._stopping.set()  # releases every held response
        self._listener.close()

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_connection, args=(conn,), daemon=True).start()

    def _serve_connection(self, conn):
        conn.settimeout(IDLE_TIMEOUT)
        try:
            scheme = "http"
            first = conn.recv(1, socket.MSG_PEEK)
            if first == b"\x16":
                conn = self._tls.wrap_socket(conn, server_side=True)
                scheme = "https"
            if first:
                self._serve_http(conn, scheme)
        except (OSError, ssl.SSLError, ConnectionError, ValueError):
            pass  # the browser went away or sent garbage; nothing to log
        finally:
            try:
                conn.close()
            except OSError:
                pass

    # -- HTTP/1.1

    def _serve_http(self, conn, scheme):
        reader = conn.makefile("rb")
        while not self._stopping.is_set():
            parsed = read_request(reader)
            if parsed is None:
                return
            method, target, headers, body = parsed
            host = host_without_port(header_value(headers, "Host") or "")
            req = Request(scheme, host, method, target, headers, body)
            if is_websocket_upgrade(req):
                self._serve_websocket(conn, reader, req)
                return
            self._record(kind="http", scheme=scheme, host=host, method=method,
                         target=target, headers=headers, body=body)
            resp = route(req)
            if resp.hold:
                self._stopping.wait(HOLD_SECONDS)
                return
            conn.sendall(encode_response(resp, method))
            if (header_value(headers, "Connection") or "").lower() == "close":
                return

    # -- WebSocket (RFC 6455)

    def _serve_websocket(self, conn, reader, req):
        ws_scheme = "wss" if req.scheme == "https" else "ws"
        self._record(kind="ws_handshake", scheme=ws_scheme, host=req.host, method="GET",
                     target=req.target, headers=req.headers, body=b"")
        key = req.header("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        for opcode, payload in WS_FRAMES.get(req.path, WS_GREETING):
            conn.sendall(encode_frame(opcode, payload))
        while True:
            frame = read_frame(reader)
            if frame is None:
                return
            opcode, payload = frame
            self._record(kind="ws_frame", scheme=ws_scheme, host=req.host, method="FRAME",
                         target=req.target, headers=[], body=payload, opcode=opcode)
            if opcode == 1:
                conn.sendall(encode_frame(1, b"echo:" + payload))
            elif opcode == 9:
                conn.sendall(encode_frame(10, payload))
            elif opcode == 8:
                conn.sendall(encode_frame(8, payload[:2]))
                return


# ---------------------------------------------------------------- wire format

def header_value(headers, name):
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def host_without_port(host):
    """All hosts are mapped to our one port, so the port carries no meaning."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def read_request(reader):
    """Returns (method, target, headers, body), or None at end of connection."""
    line = reader.readline(65537)
    while line in (b"\r\n", b"\n"):  # tolerate stray CRLF between requests
        line = reader.readline(65537)
    if not line:
        return None
    method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers = []
    while True:
        h = reader.readline(65537).decode("latin-1").rstrip("\r\n")
        if not h:
            break
        name, _, value = h.partition(":")
        headers.append([name.strip(), value.strip()])
    return method, target, headers, read_body(reader, headers)


def read_body(reader, headers):
    if (header_value(headers, "Transfer-Encoding") or "").lower() == "chunked":
        body = b""
        while True:
            size = int(reader.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while reader.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body
            body += read_exact(reader, size)
            reader.readline()
    length = int(header_value(headers, "Content-Length") or 0)
    return read_exact(reader, length)


def read_exact(reader, n):
    data = reader.read(n) if n else b""
    if len(data) != n:
        raise ConnectionError("short read")
    return data


def encode_response(resp, method):
    headers = no_store(resp.headers)
    headers.append(("Content-Length", str(len(resp.body))))
    head = f"HTTP/1.1 {resp.status} {REASONS.get(resp.status, 'Status')}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("latin-1") + (b"" if method == "HEAD" else resp.body)


def is_websocket_upgrade(req):
    return (req.header("Upgrade", "").lower() == "websocket"
            and req.header("Sec-WebSocket-Key") is not None)


def encode_frame(opcode, payload):
    """A final, unmasked server frame (servers never mask, RFC 6455 5.1)."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


def read_frame(reader):
    """Returns (opcode, unmasked payload), or None when the connection ended.
    Fragmented messages are returned frame by frame (the fixtures send small ones)."""
    head = reader.read(2)
    if len(head) < 2:
        return None
    opcode, masked, n = head[0] & 0x0F, head[1] & 0x80, head[1] & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(reader, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(reader, 8))[0]
    mask = read_exact(reader, 4) if masked else b"\0\0\0\0"
    payload = read_exact(reader, n)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


if __name__ == "__main__":
    # Manual use: python3 fixture_server.py, then point a browser at it.
    import tempfile
    server = FixtureServer(tempfile.mkdtemp()).start()
    print(f"fixture web on 127.0.0.1:{server.port}; chromium "
          f"'--host-resolver-rules=MAP * 127.0.0.1:{server.port}' --ignore-certificate-errors")
    shown = 0
    try:
        while True:
            time.sleep(0.5)
            for e in server.entries_since(shown):
                print(e.seq, e.kind, e.method, e.url, len(e.body), "bytes")
                shown += 1
    except KeyboardInterrupt:
        server.stop()
