"""A minimal Chrome DevTools Protocol client: Debian's Chromium, headless, over a websocket."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1440,900",
]


class Page:
    """One tab: ``call`` sends a command and waits for its answer; events pile up in
    ``events`` (method, params) in the order they came."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._next_id = 0

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        wanted = self._next_id
        self.ws.send(json.dumps({"id": wanted, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if "method" in message:
                self.events.append((message["method"], message.get("params", {})))
            elif message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page (awaited if a promise)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60, what: str = "") -> Any:
        """Poll a JavaScript expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what or expression}")
            time.sleep(0.1)

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the middle of the element."""
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            extra = {} if kind == "mouseMoved" else {"button": "left", "clickCount": 1}
            self.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], **extra)

    def screenshot(self, path: Path) -> None:
        import base64

        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def drain(self, seconds: float = 0.2) -> None:
        """Collect the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(self.ws.recv(timeout=left))
            except TimeoutError:
                return
            if "method" in message:
                self.events.append((message["method"], message.get("params", {})))

    def events_named(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.events if name == method]


@contextmanager
def chromium(executable: Path) -> Iterator[Page]:
    """Headless Chromium on a new profile; the page target of its first tab.

    Chromium runs in a session of its own: its zygote, renderer and crash handler
    outlive the browser process for a moment and keep writing into the profile, so
    the whole process group is stopped, and waited for, before the profile goes."""
    profile = Path(tempfile.mkdtemp(prefix="chromium-"))
    try:
        log = profile / "chromium.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(executable), *FLAGS, f"--user-data-dir={profile}/data", "about:blank"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            port = _wait(lambda: _devtools_port(profile / "data" / "DevToolsActivePort"), process, log)
            url = _wait(lambda: _page_ws_url(port), process, log)
            with connect(url, max_size=None, open_timeout=10) as ws:
                yield Page(ws)
        finally:
            _stop_group(process)
    finally:
        shutil.rmtree(profile)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to Chromium's process group, SIGKILL after 10 s; returns once no
    process of the group is left."""
    group = process.pid
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            process.poll()  # reaps the browser; its children are reaped by init
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
    process.wait()


def _wait(probe: Callable[[], Any], process: subprocess.Popen[bytes], log: Path) -> Any:
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited ({process.returncode}):\n{log.read_text()}")
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"chromium's DevTools did not come up in 30 s:\n{log.read_text()}")
        time.sleep(0.1)


def _devtools_port(path: Path) -> int | None:
    try:
        first = path.read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return int(first) if first.isdigit() else None


def _page_ws_url(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
            targets = json.load(response)
    except OSError:
        return None
    pages = [t for t in targets if t.get("type") == "page"]
    return pages[0]["webSocketDebuggerUrl"] if pages else None
