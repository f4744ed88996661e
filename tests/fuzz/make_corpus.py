#!/usr/bin/env python3
"""Writes the seed corpora (tests/fuzz/corpus/<target>/) and dictionaries
(tests/fuzz/<target>.dict) of the fuzz targets from the test inputs:
the Chromium transcripts of tests/fixtures/cdp/, the fleet examples of
schemas/fleet/examples/, the filter lists of tests/data/tracker_data/, plus
a few hand-written edge cases. Run it again after changing those inputs;
reproducers of fixed findings live in corpus/<target>/regress-* and are
kept. Usage: python3 tests/fuzz/make_corpus.py"""
import json
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Mirrors cdp/protocol/decode.cc's decoder table.
KNOWN_EVENTS = [
    "Network.requestWillBeSent", "Network.requestWillBeSentExtraInfo", "Network.responseReceived",
    "Network.responseReceivedExtraInfo", "Network.dataReceived", "Network.loadingFinished",
    "Network.loadingFailed", "Network.requestServedFromCache", "Network.webSocketCreated",
    "Network.webSocketFrameSent", "Network.webSocketFrameReceived", "Network.webSocketClosed",
    "Page.loadEventFired", "Page.frameNavigated", "Page.javascriptDialogOpening", "Page.windowOpen",
    "Page.downloadWillBegin", "Runtime.bindingCalled", "Target.attachedToTarget",
    "Target.detachedFromTarget", "Target.targetInfoChanged", "Target.targetCrashed", "Inspector.detached",
]
# The command of each id in cdp_page_load.jsonl whose result has a decoder (cdp_message_fuzz.cc).
RESULT_OF_ID = {1: "Browser.getVersion", 2: "Target.createBrowserContext", 3: "Target.createTarget",
                14: "Page.navigate", 17: "Network.getRequestPostData", 18: "Storage.getCookies",
                19: "Runtime.evaluate", 20: "Runtime.evaluate", 21: "Runtime.evaluate", 23: "Page.navigate"}


def transcript(name):
    with open(os.path.join(REPO, "tests/fixtures/cdp", name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def reset(target):
    """Empties corpus/<target>/ but for the regress-* reproducers."""
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if not name.startswith("regress-"):
            os.remove(os.path.join(path, name))
    return path


def write(directory, name, data):
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_dict(target, tokens):
    with open(os.path.join(HERE, target + ".dict"), "w", encoding="utf-8") as f:
        f.write(f"# {target}: tokens for libFuzzer's -dict (written by make_corpus.py)\n")
        for token in dict.fromkeys(tokens):
            escaped = "".join(chr(b) if 0x20 <= b < 0x7f and chr(b) not in '"\\' else f"\\x{b:02x}"
                              for b in token.encode("latin-1"))
            f.write(f'"{escaped}"\n')


JSON_TOKENS = ["{", "}", "[", "]", ":", ",", '"', "null", "true", "false", "-0", "1e308", "-1e-308",
               "0.5", "18446744073709551616", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\\"",
               "\\\\", "\\/", "\\n", "\xc3\xa9", "\xff", "\xed\xa0\x80"]


def cdp(events, page_load, redirect):
    event_dir, message_dir = reset("cdp_event"), reset("cdp_message")
    per_method = {}
    keys = set()
    for line in page_load + redirect:
        message = json.loads(line)
        keys.update(re.findall(r'"([A-Za-z]+)":', line))
        method = message.get("method")
        if method in KNOWN_EVENTS and per_method.get(method, 0) < 1:
            per_method[method] = per_method.get(method, 0) + 1
            write(event_dir, f"{method}-{per_method[method]}", method + "\n" + compact(message.get("params", {})))
        elif message.get("id") in RESULT_OF_ID and "result" in message:
            write(event_dir, f"result-{message['id']}-{RESULT_OF_ID[message['id']]}",
                  RESULT_OF_ID[message["id"]] + "\n" + compact(message["result"]))
    for name, data in events.items():
        write(event_dir, name, data)
    # The transcripts in pieces of ten messages, and whole.
    for i in range(0, len(page_load), 10):
        write(message_dir, f"page_load-{i // 10:02d}", "\n".join(page_load[i:i + 10]))
    write(message_dir, "tracker_redirect_post", "\n".join(redirect))
    for name, data in MESSAGES.items():
        write(message_dir, name, data)
    tokens = JSON_TOKENS + KNOWN_EVENTS + list(RESULT_OF_ID.values()) + [f'"{k}":' for k in sorted(keys)]
    write_dict("cdp_event", tokens)
    write_dict("cdp_message", tokens + ['"id":1', '"sessionId":"S1"', '"error":{"code":-32000,"message":"x"}'])


# Hand-written edge cases: what a hostile page can make Chromium report.
EVENTS = {
    "lone-high-surrogate": 'Runtime.bindingCalled\n{"name":"b","payload":"x\\ud800y","executionContextId":1}',
    "lone-low-surrogate": 'Page.javascriptDialogOpening\n{"url":"u","message":"\\udc00","type":"alert"}',
    "surrogate-pair": 'Page.windowOpen\n{"url":"https://a.test/\\ud83d\\ude00","windowName":"w","windowFeatures":[]}',
    "invalid-utf8": b'Network.webSocketFrameReceived\n{"requestId":"1","timestamp":1,"response":{"opcode":1,"payloadData":"\xff\xfe"}}',
    "nul-in-string": 'Network.requestWillBeSent\n{"requestId":"1","request":{"url":"https://a.test/\\u0000x","method":"GET","headers":{"a\\u0000":"b"}}}',
    "headers-not-strings": 'Network.responseReceivedExtraInfo\n{"requestId":"1","headers":{"a":1,"b":[1,{"c":null}],"d":{"e":true}},"statusCode":200.0}',
    "deep-stack": 'Network.requestWillBeSent\n{"requestId":"1","initiator":{"type":"script","stack":' + '{"parent":' * 60 + '{"callFrames":[{"url":"https://a.test/x.js"}]}' + '}' * 60 + '}}',
    "huge-numbers": 'Network.responseReceived\n{"requestId":"1","response":{"status":1e308,"remotePort":-9223372036854775809,"encodedDataLength":18446744073709551616,"timing":{"requestTime":-1e-400}}}',
    "nulls": 'Target.attachedToTarget\n{"sessionId":"S","targetInfo":{"targetId":"T","type":null,"url":null,"attached":null},"waitingForDebugger":null}',
    "partition-key-string": 'Storage.getCookies\n{"cookies":[{"name":"a","value":"b","partitionKey":"https://site.test"},{"name":"c","partitionKey":{"topLevelSite":"https://x.test","hasCrossSiteAncestor":true}}]}',
    "evaluate-string-escapes": 'Runtime.evaluate\n{"result":{"type":"string","value":"a\\"b\\\\c\\u00e9\\ud83d\\ude00"}}',
    "evaluate-unserializable": 'Runtime.evaluate\n{"result":{"type":"number","unserializableValue":"-Infinity"},"exceptionDetails":{"text":"t","exception":{"description":"Error: x"}}}',
    "trailing-garbage": 'Network.loadingFinished\n{"requestId":"1","timestamp":2,"encodedDataLength":3} {"x":1}',
    "truncated": 'Network.requestWillBeSent\n{"requestId":"1","request":{"url":"https://a.te',
}
MESSAGES = {
    "error-reply": '{"id":5,"error":{"code":-32000,"message":"Target closed \\ud800"}}',
    "unknown-session": '{"method":"Network.loadingFinished","params":{"requestId":"1"},"sessionId":"nope"}',
    "attach-detach-reuse": "\n".join([
        '{"method":"Target.attachedToTarget","params":{"sessionId":"S1","targetInfo":{"targetId":"T1","type":"page"}}}',
        '{"method":"Network.dataReceived","params":{"requestId":"1"},"sessionId":"S1"}',
        '{"method":"Inspector.detached","params":{"reason":"x"},"sessionId":"S1"}',
        '{"method":"Network.dataReceived","params":{"requestId":"2"},"sessionId":"S1"}',
        '{"method":"Target.detachedFromTarget","params":{"sessionId":"S1"}}',
        '{"method":"Target.attachedToTarget","params":{"sessionId":"S1","targetInfo":{"targetId":"T1"}}}',
        '{"id":3,"result":{"targetId":"T1"},"sessionId":"S1"}']),
    "not-objects": '[1,2]\n"x"\nnull\n{"id":"1"}\n{"method":7}\n{"id":1e400}\n{}',
    "duplicate-keys": '{"id":1,"id":2,"result":{"product":"a"},"result":[]}',
}


def fleet():
    directory = reset("fleet_message")
    examples = os.path.join(REPO, "schemas/fleet/examples")
    keys = set()
    for name in ("ready", "heartbeat", "batch", "done", "disconnect"):
        with open(os.path.join(examples, name + ".json"), encoding="utf-8") as f:
            text = f.read().strip()
        write(directory, name, text)
        message = json.loads(text)
        keys.update(message)
        if name == "batch":
            write(directory, "settings", compact(message["settings"]))
            keys.update(message["settings"])
            keys.update(k for item in message["items"] for k in item)
    edge = {
        "batch-unknown-nested": '{"v":1,"type":"batch","run":"r","batch_id":"b","lease_ms":1,"later":{"a":[1,{"b":null}]},'
                                '"settings":{"timeout_s":1e2,"min_dwell_s":-1,"quiet_period_s":0.5,"post_data_cap":-1,'
                                '"allow_private_targets":false},"items":[{"index":0,"url":"https://a.test/\\u00e9","attempt":1}]}',
        "ready-big-capacity": '{"type":"ready","v":1,"worker_id":"w","capacity":2147483648}',
        "done-nul": '{"v":1,"type":"done","worker_id":"w","run":"r\\u0000","batch_id":"b","index":0,"visit_id":"v","outcome":"ok","attempt":1}',
        "two-objects": '{"v":1,"type":"heartbeat","worker_id":""} {}',
        "settings-partial": '{"timeout_s":30,"surprise":[[[]]]}',
    }
    for name, text in edge.items():
        write(directory, name, text)
    write_dict("fleet_message", JSON_TOKENS + [f'"{k}"' for k in sorted(keys)] +
               ['"ready"', '"heartbeat"', '"batch"', '"done"', '"disconnect"', '"v":1', '"type":'])


def scan_request():
    directory = reset("scan_request")
    with open(os.path.join(REPO, "schemas/fleet/examples/scan_request.json"), encoding="utf-8") as f:
        example = json.load(f)

    def fields(d):
        return "\0".join(f"{k}\0{v}" for k, v in d.items())
    write(directory, "example", fields(example))
    write(directory, "minimal", fields({"request_id": "r1", "urls": "https://a.test/"}))
    write(directory, "bad-numbers", fields({"request_id": "r2", "urls": "1,a.test\n# c\n\n ftp://x/",
                                            "timeout_s": "0", "min_dwell_s": "-5", "quiet_period_s": "nan",
                                            "ttl_s": "9999999999999"}))
    write(directory, "hex-and-inf", fields({"request_id": "r3", "urls": "http://[::1]/", "timeout_s": "0x10",
                                            "min_dwell_s": "inf", "quiet_period_s": "1e3", "ttl_s": "000"}))
    write(directory, "bad-id", fields({"request_id": "a/b", "urls": "https://a.test/", "reply_stream": "r"}))
    write_dict("scan_request", list(example) + ["\\x00", "\n", "https://", "http://", "0x", "1e3", "-", "."])


def set_cookie(page_load, redirect):
    directory = reset("set_cookie")
    lines = []
    for line in page_load + redirect:
        message = json.loads(line)
        params = message.get("params", {})
        for name, value in params.get("headers", {}).items():
            if name.lower() == "set-cookie":
                lines.append(value)
        lines += [b["cookieLine"] for b in params.get("blockedCookies", [])]
    for i, value in enumerate(dict.fromkeys(lines)):
        write(directory, f"transcript-{i:02d}", value)
    edge = {
        "attributes": "id=a3fWa; Expires=Thu, 21 Oct 2021 07:28:00 GMT; Max-Age=-0; Domain=.Example.COM; "
                      "Path=/docs; Secure; HttpOnly; SameSite=Strict; Partitioned",
        "max-age-huge": "a=b; max-age=99999999999999999999999; max-age=-99999999999999999999",
        "nameless": "token; path=relative; domain=.; samesite",
        "crlf-joined": "a=1\r\n\r\nb=2;;; =;\t\r\n=c",
        "empty-pairs": " = ; ;=;",
        "domain-two-dots": "a=b; Domain=..Example.COM; Path=",
    }
    for name, value in edge.items():
        write(directory, name, value)
    write_dict("set_cookie", ["Expires", "Max-Age", "Domain", "Path", "Secure", "HttpOnly", "SameSite",
                              "Partitioned", "Strict", "Lax", "None", "=", ";", "; ", "\n", "\r\n", "\t",
                              "-", ".", "/"])


def filter_list():
    directory = reset("filter_list")
    lists = os.path.join(REPO, "tests/data/tracker_data")
    for name in ("lists/easylist.txt", "lists/easyprivacy.txt", "extra_list.txt"):
        with open(os.path.join(lists, name), encoding="utf-8") as f:
            write(directory, os.path.basename(name), f.read())
    # Filters of worker/analysis/classify/filter_list_test.cc, a few a file.
    with open(os.path.join(REPO, "worker/analysis/classify/filter_list_test.cc"), encoding="utf-8") as f:
        source = f.read()
    filters = re.findall(r'^\s*\{"((?:[^"\\]|\\.)*)",\s*"', source, re.M)
    filters = [bytes(f, "utf-8").decode("unicode_escape") for f in filters]
    for i in range(0, len(filters), 4):
        write(directory, f"filter_list_test-{i // 4:02d}", "\n".join(filters[i:i + 4]))
    write_dict("filter_list", ["||", "|", "^", "*", "@@", "$", ",", "~", "=", "##", "#@#", "#?#", "#$#", "$$",
                               "!", "[Adblock Plus 2.0]", "/", "\\", ".*", "third-party", "3p", "first-party",
                               "1p", "domain=", "from=", "to=", "denyallow=", "method=", "important",
                               "match-case", "badfilter", "script", "image", "stylesheet", "css",
                               "xmlhttprequest", "xhr", "subdocument", "frame", "ping", "beacon", "media", "font",
                               "websocket", "document", "doc", "other", "object", "all", "redirect=", "csp=",
                               "popup", "removeparam=", "get", "post", "google.*", "(", ")", "[", "]", "{2,}",
                               "?", "+", "|", "\n", "\r\n"])


def url_list():
    directory = reset("url_list")
    seeds = {
        "plain": "https://www.example.com/\nhttp://news.example.org/world?page=2#top\n",
        "tranco": "1,google.com\n2,facebook.com\r\n3, microsoft.com \n10,a.b.c.d.example\n",
        "comments-blanks": "# list\n\n   \n\t# indented comment\nhttps://a.test/\n",
        "odd-lines": "ftp://x.test/\n1,\n,example.com\n1,a/b\nx1,y.test\nhttps://[::1]:8080/\nhttp://user:pw@h.test:99999/\n"
                     "https://xn--nxasmq6b.test/\nhttps://ex ample.test/\nHTTPS://UPPER.TEST\n",
        "no-final-newline": "https://a.test/\r\nhttps://b.test/",
        "nul-and-high-bytes": b"https://a.test/\x00x\n\xff\xfe,\xc3\xa9.test\n",
    }
    for name, data in seeds.items():
        write(directory, name, data)
    write_dict("url_list", ["https://", "http://", "ftp://", "#", ",", "\n", "\r\n", ":", "@", "[", "]", "%",
                            "?", "/", "xn--", "1,", "localhost", "127.0.0.1", "[::1]"])


def json_object():
    directory = reset("json_object")
    seeds = {
        "url": "url\0https://www.example.com/a?b=c#d",
        "expression": "expression\0document.cookie + \"\\\"\" + '\\u2028'",
        "controls": "k\x01\x1f\x7f\0\t\r\n\x00\x08\x0c",
        "unicode": "cl\u00e9\0\u00e9\u2028\U0001F600\ufeff",
        "empty": "\0",
        "invalid-utf8": b"k\0\xff\xc3(\xed\xa0\x80",
    }
    for name, data in seeds.items():
        write(directory, name, data)
    write_dict("json_object", ["\0", '"', "\\", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa8",
                               "\xf0\x9f\x98\x80", "\xed\xa0\x80", "\xef\xbb\xbf", "\\u0000", "</script>"])


def main():
    page_load = transcript("cdp_page_load.jsonl")
    redirect = transcript("tracker_redirect_post.jsonl")
    cdp(EVENTS, page_load, redirect)
    json_object()
    fleet()
    scan_request()
    set_cookie(page_load, redirect)
    filter_list()
    url_list()


if __name__ == "__main__":
    main()
