#!/usr/bin/env python3
"""The operator console in a real browser: headless Chromium driven by selenium, against a live
gateway with real gtcp clients connected. Run by scripts/console-test.sh, which starts the
gateway and exports ADMIN_URL, GATEWAY_PORT and GTCP_GATEWAY_ADMIN_TOKEN.

    console_test.py BINARY [SCREENSHOT_DIR]

Each check is an assertion that fails the run; screenshots of the fleet view and the charts go
to SCREENSHOT_DIR (docs/ from make) when given.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gtcp_example_client import go_json, recv_exact, send_pkg  # noqa: E402

BINARY = sys.argv[1]
SCREENSHOTS = sys.argv[2] if len(sys.argv) > 2 else None
ADMIN_URL = os.environ["ADMIN_URL"]
GATEWAY_PORT = int(os.environ["GATEWAY_PORT"])
TOKEN = os.environ["GTCP_GATEWAY_ADMIN_TOKEN"]
XSS_NAME = "<img src=x onerror=alert(1)>"
WAIT_SECONDS = 20

passed = []


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}", flush=True)
        print(f"{len(passed)} passed, 1 failed")
        sys.exit(1)
    passed.append(what)
    print(f"ok: {what}", flush=True)


def admin(path, method="GET", body=None):
    request = urllib.request.Request(ADMIN_URL + path, method=method, headers={"Authorization": f"Bearer {TOKEN}"})
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def wait_for(what, probe, seconds=WAIT_SECONDS):
    """Polls probe() until it returns something truthy; fails the run naming `what` otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    check(False, f"{what} within {seconds}s")


class Clients:
    """The gtcp clients of the run: example clients as processes, and one responder in a thread."""

    def __init__(self, folder):
        self.folder = folder
        self.processes = {}

    def start(self, name):
        output = open(os.path.join(self.folder, f"client-{len(self.processes)}.out"), "wb")
        process = subprocess.Popen(
            [BINARY, "client", "--connect", f"127.0.0.1:{GATEWAY_PORT}", "--name", name,
             "--hello-after", "10ms", "--heartbeat-interval", "1h"],
            stdout=output, stderr=subprocess.STDOUT)
        self.processes[name] = (process, output.name)

    def output(self, name):
        with open(self.processes[name][1], "rb") as file:
            return file.read()

    def stop(self):
        for process, _ in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def responder(name, answers):
    """A gtcp client that answers `get-status` with a `status` message carrying its data back."""
    sock = socket.create_connection(("127.0.0.1", GATEWAY_PORT), timeout=WAIT_SECONDS)
    sock.settimeout(None)  # it waits for requests as long as the run lasts
    lock = threading.Lock()
    send_pkg(sock, lock, "hello", name)

    def serve():
        with sock:
            while True:
                header = recv_exact(sock, 2)
                if header is None:
                    return
                payload = recv_exact(sock, struct.unpack(">H", header)[0])
                if payload is None:
                    return
                msg = json.loads(payload)
                if msg["Act"] == "get-status":
                    send_pkg(sock, lock, "status", answers + msg["Data"])

    threading.Thread(target=serve, daemon=True).start()
    return sock


def connections_by_name():
    return {c["clientName"]: c for c in admin("/connections?limit=1000")["connections"] if c["clientName"]}


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1500,1000", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def severe_logs(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# The table read in one go, so that a refresh cannot replace it halfway through.
TABLE_SCRIPT = """
const titles = [...document.querySelectorAll('#connections-head th')].map((th) => th.textContent);
return [...document.querySelectorAll('#connections-body tr')].map((tr) => {
  const row = {highlighted: tr.classList.contains('highlighted'), checked: tr.querySelector('input').checked};
  [...tr.children].forEach((td, index) => { if (titles[index]) row[titles[index]] = td.textContent; });
  return row;
});
"""


def rows(driver):
    """The table as the page shows it: {client name: {column title: text}}."""
    return {row["client"]: row for row in driver.execute_script(TABLE_SCRIPT)}


def click_row(driver, name, selector):
    """Clicks `selector` inside the row of `name`, again if a refresh replaced the row meanwhile."""
    def attempt():
        script = "return [...document.querySelectorAll('#connections-body tr')].find((tr) => tr.dataset.id === arguments[0])"
        row = driver.execute_script(script, str(connections_by_name()[name]["id"]))
        try:
            row.find_element(By.CSS_SELECTOR, selector).click()
            return True
        except (StaleElementReferenceException, AttributeError):
            return False
    wait_for(f"a click on the row of {name}", attempt)


def act(driver, target, kind, **fields):
    Select(driver.find_element(By.ID, "action-target")).select_by_value(target)
    Select(driver.find_element(By.ID, "action-kind")).select_by_value(kind)
    for field, value in fields.items():
        box = driver.find_element(By.ID, "action-" + field)
        box.clear()
        box.send_keys(value)
    driver.execute_script("document.getElementById('action-result').textContent = ''")
    driver.find_element(By.ID, "action-run").click()


def highlight(driver, name):
    wait_for(f"a row for {name}", lambda: name in rows(driver))
    if not rows(driver)[name]["highlighted"]:
        click_row(driver, name, "td:nth-child(2)")
    wait_for(f"{name} highlighted", lambda: rows(driver).get(name, {}).get("highlighted"))


def main():
    started = time.monotonic()
    folder = tempfile.mkdtemp()
    clients = Clients(folder)
    driver = None
    try:
        for name in ("sensor-a", "sensor-b", "sensor-c", XSS_NAME):
            clients.start(name)
        responder("responder", "battery=87;")
        names = {"sensor-a", "sensor-b", "sensor-c", XSS_NAME, "responder"}
        wait_for("five clients said hello", lambda: names <= set(connections_by_name()))
        # Some forwarded acts, for the charts.
        for index in range(5):
            subprocess.run([BINARY, "client", "--connect", f"127.0.0.1:{GATEWAY_PORT}", "--act", "echo",
                            "--data", f"ping {index}"], check=True, stdout=subprocess.DEVNULL, timeout=WAIT_SECONDS)

        driver = browser()
        driver.get(ADMIN_URL + "/")
        token_form = driver.find_element(By.ID, "token-form")
        wait_for("the token prompt", token_form.is_displayed)
        check(driver.current_url == ADMIN_URL + "/ui/", "/ redirects to /ui/")
        check(not driver.find_element(By.ID, "console").is_displayed(), "without the token the console is hidden")
        check(driver.find_elements(By.CSS_SELECTOR, "#connections-body tr") == [] and
              "sensor-a" not in driver.page_source and driver.find_element(By.ID, "counts").text == "",
              "without the token the page shows no connection and no count")

        driver.find_element(By.ID, "token-input").send_keys("not-the-token")
        driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
        error = wait_for("a refusal", lambda: driver.find_element(By.ID, "token-error").text)
        check(error == "The gateway refused that token." and token_form.is_displayed(),
              "a wrong token is said to be refused and the prompt stays")
        check(driver.execute_script("return sessionStorage.length") == 0, "a refused token is not kept")

        driver.find_element(By.ID, "token-input").send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
        wait_for("the console", driver.find_element(By.ID, "console").is_displayed)
        check(driver.execute_script("return sessionStorage.getItem('gtcp-gateway-admin-token')") == TOKEN and
              driver.get_cookies() == [] and "not-the-token" not in driver.current_url and TOKEN not in driver.current_url,
              "the token is kept for the tab only: no cookie, not in the URL")
        severe_logs(driver)  # the 401s of the prompt are expected; what follows must be clean

        # The table against the API and against what each client sent: one hello in, one answer out.
        shown = wait_for("all five clients in the table", lambda: names <= set(rows(driver)) and rows(driver))
        api = connections_by_name()
        for name in names:
            expected = api[name]
            row = shown[name]
            check(row["id"] == str(expected["id"]) and row["remote address"] == expected["remoteAddress"] and
                  row["packets in"] == str(expected["packetsIn"]) and row["packets out"] == str(expected["packetsOut"]) and
                  row["bytes in"] == str(expected["bytesIn"]) and row["bytes out"] == str(expected["bytesOut"]) and
                  row["in flight"] == "0" and row["TLS subject"] == "—",
                  f"the row of {name!r} shows its connection's figures")
        hello_bytes = 2 + len(go_json("hello", "sensor-a"))
        check(shown["sensor-a"]["packets in"] == "1" and shown["sensor-a"]["bytes in"] == str(hello_bytes),
              f"sensor-a's row counts its one hello packet of {hello_bytes} bytes")
        titles = driver.execute_script("return [...document.querySelectorAll('#connections-head th')].map((th) => th.textContent)")
        check("node" not in titles, "no node column for an unclustered gateway")
        counts_script = "return Object.fromEntries([...document.querySelectorAll('#counts div')]" \
            ".map((item) => [item.dataset.count, item.querySelector('dd').textContent]))"
        wait_for("the counts", lambda: driver.execute_script(counts_script).get("open") == "5")
        counts = driver.execute_script(counts_script)
        check(counts["open"] == "5" and counts["accepted"] == "10" and counts["closed"] == "5",
              f"the counts show 5 open, 10 accepted, 5 closed: {counts}")

        # Ids beyond 2^53 (a cluster node's, from its 512th start on) stay exact, in a name or data too.
        big = '{"connections":[{"id":18446744073709551615,"clientName":"\\"id\\":9007199254740993"}],"next":null}'
        parsed = driver.execute_script("const page = parseAdminJSON(arguments[0]);"
                                       "return [String(page.connections[0].id), page.connections[0].clientName]", big)
        check(parsed == ["18446744073709551615", '"id":9007199254740993'],
              f"a 64-bit connection id is kept exact and a client name that looks like one is left alone: {parsed}")

        # Device-controlled text is data.
        cell = [td for td in driver.find_elements(By.CSS_SELECTOR, "#connections-body td")
                if td.get_attribute("textContent") == XSS_NAME]
        check(len(cell) == 1 and cell[0].text == XSS_NAME, "a client named like markup appears literally")
        check(driver.find_elements(By.CSS_SELECTOR, "#connections-body img") == [], "its name made no element")

        # Filtering finds one client by name, and the refresh keeps the filter.
        driver.find_element(By.ID, "filter-name").send_keys("sensor-b")
        driver.find_element(By.CSS_SELECTOR, "#filter-form button[type=submit]").click()
        wait_for("only sensor-b listed", lambda: list(rows(driver)) == ["sensor-b"])
        updated = driver.find_element(By.ID, "fleet-status").text
        wait_for("a refresh", lambda: driver.find_element(By.ID, "fleet-status").text != updated)
        check(list(rows(driver)) == ["sensor-b"] and "1 matching" in driver.find_element(By.ID, "page-status").text,
              "filtering by client name lists exactly that client, across a refresh")
        driver.find_element(By.ID, "filter-clear").click()
        wait_for("every client listed again", lambda: names <= set(rows(driver)))

        # A pushed message arrives byte-exact.
        data = 'bytes "exact" <b>&amp; ü \\ end'
        highlight(driver, "sensor-a")
        act(driver, "one", "push", act="notice", data=data)
        wait_for("the push's result", lambda: "done" in driver.find_element(By.ID, "action-result").text)
        line = f"act=notice data={data}\n".encode()
        wait_for("sensor-a printing the message", lambda: line in clients.output("sensor-a"))
        check(True, "a message pushed from the page arrives at the client byte-exact")

        # A request shows the client's answer.
        highlight(driver, "responder")
        act(driver, "one", "request", act="get-status", **{"reply-act": "status"}, data="<i>verbose</i>")
        answers = wait_for("the answer", lambda: driver.find_element(By.ID, "action-answers").text)
        responder_id = api["responder"]["id"]
        check(answers == f"#{responder_id} answered status: battery=87;<i>verbose</i>",
              f"a request shows the client's answer: {answers!r}")
        check(driver.find_elements(By.CSS_SELECTOR, "#action-answers i") == [], "the answer is shown as text")

        # An action on more than one connection asks first, saying how many.
        for name in ("sensor-a", "sensor-b"):
            click_row(driver, name, "input[type=checkbox]")
        act(driver, "selected", "push", act="notice", data="not sent")
        dialog = driver.find_element(By.ID, "confirm")
        wait_for("the confirmation", dialog.is_displayed)
        check(driver.find_element(By.ID, "confirm-text").text == "Push a message to 2 connections?",
              "pushing to the selection asks for confirmation naming 2 connections")
        driver.find_element(By.ID, "confirm-cancel").click()
        wait_for("the cancellation", lambda: driver.find_element(By.ID, "action-result").text == "Cancelled.")
        check(b"not sent" not in clients.output("sensor-a"), "a cancelled action sends nothing")
        act(driver, "matching", "doexit")
        wait_for("the confirmation", dialog.is_displayed)
        check(driver.find_element(By.ID, "confirm-text").text == "Send doexit to 5 connections?",
              "doexit on every match asks for confirmation naming all 5")
        driver.find_element(By.ID, "confirm-cancel").click()
        wait_for("the cancellation", lambda: driver.find_element(By.ID, "action-result").text == "Cancelled.")

        # doexit ends a real client with exit 0 and its row goes away.
        highlight(driver, "sensor-c")
        act(driver, "one", "doexit", data="maintenance")
        process = clients.processes["sensor-c"][0]
        check(process.wait(timeout=WAIT_SECONDS) == 0, "doexit from the page ends the client with exit status 0")
        wait_for("sensor-c's row gone", lambda: "sensor-c" not in rows(driver) and "sensor-a" in rows(driver))
        check(True, "the row of the client that exited goes away")

        # Selection and place survive refreshes.
        check(all(rows(driver)[name]["checked"] for name in ("sensor-a", "sensor-b")),
              "the selection survives the refreshes")

        # The charts are drawn from /history.
        figures = wait_for("five charts with lines",
                           lambda: len(driver.find_elements(By.CSS_SELECTOR, "#chart-grid figure polyline")) >= 5 and
                           driver.find_elements(By.CSS_SELECTOR, "#chart-grid figure"))
        captions = [figure.find_element(By.TAG_NAME, "figcaption").text for figure in figures]
        check(captions == ["Connections open", "Packets (per second)", "Forwarded acts (per second)",
                           "Upstream latency (ms)", "Errors (per second)"], f"the charts: {captions}")
        history = admin("/history")
        check(sum(history["forwarded"]) >= 5 and any(v is not None for v in history["upstreamP99Ms"]),
              "the history counts the forwarded acts and their latency")

        # No script ran from device text, and nothing went wrong in the page.
        try:
            alert = driver.switch_to.alert
            check(False, f"no alert, but one says {alert.text!r}")
        except NoAlertPresentException:
            check(True, "no alert was raised")
        errors = severe_logs(driver)
        check(errors == [], f"no console error after signing in: {errors}")

        if SCREENSHOTS:
            # The fleet view down to the charts, then a window tall enough for the whole page,
            # since a screenshot holds only what the window shows.
            window_chrome = driver.execute_script("return window.outerHeight - window.innerHeight")
            charts_top = driver.execute_script("return document.getElementById('charts').offsetTop")
            driver.set_window_size(1500, charts_top + window_chrome)
            driver.execute_script("window.scrollTo(0, 0)")
            driver.save_screenshot(os.path.join(SCREENSHOTS, "console-fleet.png"))
            page_height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1500, page_height + window_chrome + 40)
            driver.find_element(By.ID, "charts").screenshot(os.path.join(SCREENSHOTS, "console-charts.png"))
    finally:
        if driver is not None:
            driver.quit()
        clients.stop()
    print(f"console: {len(passed)} checks in {time.monotonic() - started:.1f}s")
    print(f"{len(passed)} passed, 0 failed")


if __name__ == "__main__":
    main()
