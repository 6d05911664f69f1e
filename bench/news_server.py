"""The benchmark's stand-in for the internet: news pages from many loopback hosts, cheaply.

Usage: python bench/news_server.py PORT HOSTS LATENCY   (prints the page size, then serves until killed)

One asyncio event loop listens on 127.0.0.1 .. 127.0.0.HOSTS (each a separate host for politeness and
robots.txt) and answers every GET after LATENCY seconds with a pre-encoded response (the page for a path is
built once). A remote news site costs its readers nothing in CPU; a threaded Python HTTP server building
each page per request would take a good part of the two cores the workers being measured share with it.
HTTP/1.1 keep-alive, Content-Length framing, no chunking: what the fetcher needs, nothing more.
"""

import asyncio
import sys

WORDS = [
    "council",
    "budget",
    "bridge",
    "repairs",
    "million",
    "euros",
    "engineers",
    "corrosion",
    "traffic",
    "residents",
    "vote",
    "audit",
    "minister",
    "report",
    "figures",
    "increase",
    "percent",
    "spokesperson",
    "statement",
    "according",
    "data",
    "analysis",
]
NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
STYLE = "<style>" + ".c{color:#333;margin:0 auto;padding:4px}" * 300 + "</style>"
SCRIPT = "<script>" + "window.dataLayer=window.dataLayer||[];" * 400 + "</script>"
ROBOTS = b"User-agent: *\nAllow: /\n"


def paragraph(seed: int, n: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n)).capitalize() + "."


def page(path: str) -> bytes:
    seed = sum(map(ord, path))
    body = []
    for p in range(22):
        text = paragraph(seed + p, 55)
        if p % 3 == 0:
            link = f"https://example.org/ref/{seed}/{p}"
            text += f' See <a href="{link}">the source report {p}</a> for details.'
        body.append(f"<p>{text} ({path} paragraph {p})</p>")
    return (
        f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Story {path}</title>"
        '<meta property="article:published_time" content="2025-05-07T08:00:00+00:00">'
        f"{STYLE}{SCRIPT}</head>"
        f"<body><header><nav><ul>{NAV}</ul></nav></header><main><article><h1>Story {path}</h1>"
        f'<p class="byline">By Staff reporter</p>{"".join(body)}</article></main>'
        f"<aside><ul>{NAV}</ul></aside><footer>{paragraph(seed, 40)}</footer></body></html>"
    ).encode()


def response(data: bytes, content_type: str) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n\r\n"
    return head.encode() + data


_responses: dict[bytes, bytes] = {}


def response_for(path: bytes) -> bytes:
    cached = _responses.get(path)
    if cached is None:
        if path == b"/robots.txt":
            cached = response(ROBOTS, "text/plain")
        else:
            cached = response(page(path.decode("latin-1")), "text/html; charset=utf-8")
        _responses[path] = cached
    return cached


class NewsProtocol(asyncio.Protocol):
    latency = 0.1

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        loop = asyncio.get_running_loop()
        while b"\r\n\r\n" in self.buffer:
            request, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = request.split(b" ", 2)[1] if request.count(b" ") >= 2 else b"/"
            delay = 0 if path == b"/robots.txt" else self.latency
            loop.call_later(delay, self._send, response_for(path))

    def _send(self, data):
        if not self.transport.is_closing():
            self.transport.write(data)


async def serve(port: int, hosts: int, latency: float) -> None:
    NewsProtocol.latency = latency
    loop = asyncio.get_running_loop()
    addresses = [f"127.0.0.{i}" for i in range(1, hosts + 1)]
    server = await loop.create_server(NewsProtocol, host=addresses, port=port, backlog=1024)
    print(len(page("/x")), flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
