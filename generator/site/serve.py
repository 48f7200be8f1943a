"""Serve a built site the way its host will: under the path of the settings' site_url (e.g. /ane-kb/), with the
language's 404.html (and status 404) for a missing page. Standard library only; `make serve` runs it.

    python -m generator.site.serve [SITE_DIR] [--port 8000] [--bind 127.0.0.1]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import posixpath
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from .generate import ROOT

SETTINGS = ROOT / "kb" / "_vocab" / "settings.yaml"


def site_path(settings: Path = SETTINGS) -> str:
    """The path part of the settings' site_url, with a leading and a trailing slash ("/ane-kb/")."""
    import yaml

    data = yaml.safe_load(settings.read_text(encoding="utf-8")) or {}
    path = urllib.parse.urlsplit(str(data.get("site_url", ""))).path.strip("/")
    return f"/{path}/" if path else "/"


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Files of `directory` under `prefix`; "/" redirects to the prefix; a missing page gets 404.html."""

    prefix = "/"
    quiet = False

    def __init__(self, *args: Any, prefix: str = "/", quiet: bool = False, **kwargs: Any) -> None:
        self.prefix, self.quiet = prefix, quiet
        super().__init__(*args, **kwargs)

    def _site_relative(self) -> str | None:
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(self.prefix):
            if (path + "/") == self.prefix:
                return ""
            return None
        return path[len(self.prefix):]

    def send_head(self) -> Any:
        split = urllib.parse.urlsplit(self.path)
        relative = self._site_relative()
        if relative is None:
            return self._redirect(self.prefix) if split.path == "/" else self._not_found("")
        local = Path(self.translate_path("/" + relative))
        if local.is_dir() and not split.path.endswith("/"):
            return self._redirect(self.prefix + relative + "/" if relative else self.prefix)
        if not local.exists() or (local.is_dir() and not (local / "index.html").is_file()):
            return self._not_found(relative)
        self.path = "/" + relative + (f"?{split.query}" if split.query else "")
        return super().send_head()

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, relative: str) -> Any:
        root = Path(self.directory)
        language = relative.split("/", 1)[0]
        page = root / language / "404.html" if language and (root / language / "404.html").is_file() else root / "404.html"
        if not page.is_file():
            self.send_error(404)
            return None
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Bytes(body)

    def translate_path(self, path: str) -> str:
        path = posixpath.normpath(urllib.parse.unquote(urllib.parse.urlsplit(path).path))
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        return str(Path(self.directory).joinpath(*parts))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)


class _Bytes:
    """A file-like body for send_head's caller (copyfile reads it, then closes it)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


def make_server(site: Path, prefix: str, bind: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(site), prefix=prefix, quiet=quiet)
    return http.server.ThreadingHTTPServer((bind, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.site.serve", description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="site", help="the built site (default site/)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"serve: {site} has no index.html; build the site first (make site)", file=sys.stderr)
        return 2
    prefix = site_path()
    try:
        server = make_server(site, prefix, args.bind, args.port)
    except OSError as exc:
        print(f"serve: cannot listen on {args.bind}:{args.port} ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"Serving {site} at http://{args.bind}:{args.port}{prefix} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
