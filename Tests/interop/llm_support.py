"""The fake model provider and a gateway in front of it, for the model-call interop tests."""
import contextlib
import json
import re
import pathlib
import subprocess
import tempfile
import time
import urllib.request

from conftest import BIN


@contextlib.contextmanager
def fake_llm():
    """Runs toolgate-fake-llm on a free port; yields its base URL (http://127.0.0.1:PORT)."""
    process = subprocess.Popen([str(BIN / "toolgate-fake-llm"), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, f"fake provider did not start: {line!r}"
        yield FakeProvider(line.strip().rsplit(" ", 1)[-1])
    finally:
        process.kill()
        process.wait(timeout=10)


class FakeProvider:
    def __init__(self, url):
        self.url = url

    def base(self, persona, *modes):
        """A base_url for `persona` with the given modes (see FakeModelProvider.swift)."""
        return "/".join([self.url, persona, *modes, "v1"])

    def _call(self, method, path, body=None):
        request = urllib.request.Request(self.url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def requests(self, path_part="/chat/completions"):
        return [r for r in self._call("GET", "/_requests") if path_part in r["target"]]

    def clear(self):
        self._call("DELETE", "/_requests")

    def set_slot(self, slot, mode):
        self._call("PUT", f"/_slots/{slot}", mode.encode())

    def streams(self):
        return self._call("GET", "/_streams")

    def wait_for(self, predicate, what, timeout=10):
        """Polls the fake's own records (bounded) until `predicate` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")


class Gateway:
    def __init__(self, url, log_path, process=None, folder=None):
        self.url = url
        self.log_path = log_path
        self.process = process
        self.folder = folder

    @property
    def v1(self):
        return self.url + "/v1"

    def log(self):
        return self.log_path.read_text()


@contextlib.contextmanager
def gateway(toolgate, config_yaml):
    """Runs `toolgate serve --config` on a free port with `config_yaml` (its log in a file);
    yields a Gateway."""
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "toolgate.yaml"
        path.write_text("listen: 127.0.0.1:0\n" + config_yaml)
        log_path = pathlib.Path(folder) / "toolgate.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen([toolgate, "serve", "--config", str(path)], stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            deadline, match = time.monotonic() + 30, None
            while match is None and time.monotonic() < deadline and process.poll() is None:
                match = re.search(r"listening on (127\.0\.0\.1:\d+)", log_path.read_text())
                if match is None:
                    time.sleep(0.02)
            assert match, f"toolgate did not start: {log_path.read_text()}"
            yield Gateway("http://" + match.group(1), log_path, process, pathlib.Path(folder))
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
