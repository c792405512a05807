#!/usr/bin/env python3
"""The analysis page in a real browser (Debian's chromium + chromedriver, selenium from PyPI).

Starts `vitext serve --http-addr` on loopback, loads the page, submits a page dump and an HTML
page as files and a pasted text, checks that entities are highlighted, removed blocks are shown
in place with their kind and reason, stage times are listed, words can be shown, that the
controls are labelled and reachable by keyboard, and that the browser logged no error (the
page's Content-Security-Policy allows no inline code). Saves a PNG of each view.

usage: page_test.py VITEXT_BINARY SCREENSHOT_DIR [DUMP_FILE HTML_FILE]
"""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary):
    grpc, http = free_port(), free_port()
    server = subprocess.Popen(
        [binary, "serve", "--addr", f"127.0.0.1:{grpc}", "--http-addr", f"127.0.0.1:{http}",
         "--metrics-addr", "off", "--log-format", "text"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server never answered on " + url)


def browser():
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1400", "--lang=vi"]:
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def screenshot(driver, path):
    """The whole page, not just the window (Chrome DevTools: capture beyond the viewport)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1}})
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    print("screenshot", path)


def analyse(driver, wait):
    driver.find_element(By.ID, "analyse").click()
    wait.until(lambda d: d.find_element(By.ID, "status").text.startswith(("Xong", "HTTP", "Lỗi", "Hãy")))
    return driver.find_element(By.ID, "status").text


def check_result(driver, name, want_removed):
    status = driver.find_element(By.ID, "status")
    assert "error" not in status.get_attribute("class"), f"{name}: {status.text}"
    title = driver.find_element(By.ID, "title").text
    assert title and "không có tiêu đề" not in title, f"{name}: no title"
    marks = driver.find_elements(By.CSS_SELECTOR, "#doc mark.ent")
    labels = {m.get_attribute("data-label") for m in marks}
    assert marks, f"{name}: no entity highlighted"
    for m in marks[:20]:
        tip = m.get_attribute("title")
        assert tip.startswith(m.get_attribute("data-label")), f"{name}: tip {tip!r}"
        assert m.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    boxes = driver.find_elements(By.CSS_SELECTOR, "#doc .removed")
    removed = sum(int(b.get_attribute("data-count")) for b in boxes)
    if want_removed:
        assert boxes, f"{name}: no removed block shown"
        for r in boxes:
            kind = r.find_element(By.CSS_SELECTOR, ".kind").text
            why = r.find_element(By.CSS_SELECTOR, ".why").text
            assert kind and len(why) > len(kind), f"{name}: removed block without a reason: {why!r}"
            # Every block of a run is there: the first ones shown, the rest behind "more".
            items = r.find_elements(By.CSS_SELECTOR, "li")
            assert len(items) == int(r.get_attribute("data-count")), f"{name}: {why!r}"
            if r.find_elements(By.TAG_NAME, "details"):
                assert not items[-1].is_displayed()
                r.find_element(By.TAG_NAME, "summary").click()
                assert items[-1].is_displayed(), f"{name}: 'more' does not open"
                r.find_element(By.TAG_NAME, "summary").click()
        # In place: removed blocks sit between kept paragraphs, not in a list after them.
        order = [c.get_attribute("class").split()[0] for c in
                 driver.find_elements(By.CSS_SELECTOR, "#doc > *")]
        first_kept = order.index("kept")
        assert any(c == "removed" for c in order[first_kept:]) or order[0] == "removed", order
    timings = driver.find_element(By.ID, "timings").text
    assert "segment" in timings and "ms" in timings, f"{name}: timings {timings!r}"
    summary = driver.find_element(By.ID, "blocks-summary").text
    if want_removed:
        assert f"{removed}" in summary, f"{name}: summary {summary!r}"
    raw = json.loads(driver.find_element(By.ID, "raw-json").get_attribute("textContent"))
    assert raw["title"] == title and len(raw["entities"]) == len(marks), f"{name}: raw JSON"
    kept = driver.find_elements(By.CSS_SELECTOR, "#doc .kept, #doc > p")
    print(f"{name}: title {title[:60]!r}, {len(marks)} entities {sorted(labels)}, "
          f"{removed} removed blocks in {len(boxes)} boxes, {len(kept)} kept; {summary}; {timings}")


def main():
    binary, shots = sys.argv[1], sys.argv[2]
    dump = sys.argv[3] if len(sys.argv) > 3 else os.path.join(FIXTURES, "article_dump.txt")
    html = sys.argv[4] if len(sys.argv) > 4 else os.path.join(FIXTURES, "article.html")
    os.makedirs(shots, exist_ok=True)
    server, url = start_server(binary)
    driver = browser()
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(url)
        assert driver.find_element(By.TAG_NAME, "h1").text == "vitext"

        # Every control has a label, and the form can be used from the keyboard alone.
        for control in driver.find_elements(By.CSS_SELECTOR, "input, textarea"):
            cid = control.get_attribute("id")
            labelled = driver.find_elements(By.CSS_SELECTOR, f"label[for='{cid}']") or \
                driver.execute_script("return arguments[0].closest('label') !== null", control)
            assert labelled, f"control {cid} has no label"
        driver.find_element(By.ID, "text").send_keys("Ông Nguyễn Văn An đến Hà Nội ngày 5/3/2026 cùng Công ty FPT.")
        driver.find_element(By.ID, "stage-extract").click()  # a pasted sentence is no page
        driver.find_element(By.ID, "analyse").send_keys(Keys.ENTER)
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith(("Xong", "HTTP", "Lỗi")))
        marks = driver.find_elements(By.CSS_SELECTOR, "#doc mark.ent")
        got = [(m.get_attribute("data-label"), m.text.split("\n")[0]) for m in marks]
        assert ("PER", "Nguyễn Văn An") in [(l, t.replace("PER", "").strip()) for l, t in got] or \
            any(l == "PER" and "Nguyễn Văn An" in t for l, t in got), got
        assert any(l == "LOC" for l, _ in got) and any(l == "DATE" for l, _ in got), got
        # An entity takes the keyboard focus and shows its tip.
        marks[0].send_keys("")
        driver.execute_script("arguments[0].focus()", marks[0])
        assert driver.switch_to.active_element == marks[0]
        driver.find_element(By.ID, "show-words").send_keys(Keys.SPACE)
        assert "show-words" in driver.find_element(By.ID, "doc").get_attribute("class")
        words = driver.find_elements(By.CSS_SELECTOR, "#doc .w")
        assert len(words) >= 10, len(words)
        screenshot(driver, os.path.join(shots, "1-pasted-text-words.png"))
        driver.find_element(By.ID, "show-words").send_keys(Keys.SPACE)
        driver.find_element(By.ID, "stage-extract").click()
        driver.find_element(By.ID, "text").clear()

        # A crawler's page dump, dropped as a file.
        driver.find_element(By.ID, "file").send_keys(os.path.abspath(dump))
        analyse(driver, wait)
        check_result(driver, "dump", want_removed=True)
        screenshot(driver, os.path.join(shots, "2-page-dump.png"))

        # An HTML page, with parts of speech on and words shown.
        driver.find_element(By.ID, "file").send_keys(os.path.abspath(html))
        driver.find_element(By.ID, "stage-pos").click()
        driver.find_element(By.ID, "show-words").click()
        analyse(driver, wait)
        check_result(driver, "html", want_removed=True)
        tagged = driver.find_elements(By.CSS_SELECTOR, "#doc .w[data-tag]")
        assert tagged, "no part-of-speech tags on words"
        screenshot(driver, os.path.join(shots, "3-html-page-pos.png"))
        driver.find_element(By.ID, "show-removed").click()
        assert not driver.find_elements(By.CSS_SELECTOR, "#doc .removed")[0].is_displayed()

        # Nothing to analyse: told so, in the status line.
        driver.find_element(By.ID, "clear-file").click()
        status = analyse(driver, wait)
        assert "error" in driver.find_element(By.ID, "status").get_attribute("class"), status

        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        print("page test passed")
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
