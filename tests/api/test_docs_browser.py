"""The API reference in a real browser: Debian's headless Chromium, driven
through ChromeDriver, loads /docs/ from the test stack's gateway, shows every
path of every service, and runs a call with a token pasted into Authorize,
which goes through the gateway and returns 200. No console errors, and
nothing is fetched from anywhere but the gateway. The screenshot is saved at
build/docs-screenshot.png for a person to look at."""
import pathlib
import shutil

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "build/docs-screenshot.png"
SERVICES = [line.split()[0] for line in (ROOT / "deploy/services.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1100", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=20):
    return WebDriverWait(driver, timeout).until(condition)


def shown_paths(driver):
    return {el.get_attribute("data-path")
            for el in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.parametrize("name", SERVICES)
def test_every_path_of_every_service_is_listed(api, browser, name):
    expected = set(yaml.safe_load((ROOT / f"openapi/{name}.yaml").read_text())["paths"])
    browser.get(f"{api.base}/docs/?urls.primaryName={name}")
    wait(browser, lambda d: expected <= shown_paths(d))
    assert console_errors(browser) == []


def test_a_call_tried_from_the_page_goes_through_the_gateway(api, browser):
    browser.get(f"{api.base}/docs/?urls.primaryName=providers")
    wait(browser, ready.element_to_be_clickable((By.CSS_SELECTOR, ".btn.authorize"))).click()
    field = wait(browser, ready.visibility_of_element_located((By.CSS_SELECTOR, ".auth-container input")))
    field.send_keys(api.token(roles="commissioner"))
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper .btn.authorize").click()
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper .btn-done").click()

    operation = wait(browser, ready.presence_of_element_located((
        By.XPATH, "//div[contains(@class,'opblock-get')]"
                  "[.//span[contains(@class,'opblock-summary-path') and @data-path='/v1/organisations']]")))
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait(browser, lambda d: operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    wait(browser, lambda d: operation.find_elements(By.CSS_SELECTOR, ".btn.execute"))[0].click()
    status = wait(browser, lambda d: operation.find_elements(
        By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"), timeout=30)[0]
    assert status.text.strip().startswith("200"), status.text
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre").text
    assert '"items"' in body
    # The request URL the page shows is this gateway's.
    url = operation.find_element(By.CSS_SELECTOR, ".request-url pre").text
    assert url.startswith(api.base + "/v1/organisations"), url

    browser.execute_script("arguments[0].scrollIntoView()", operation)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

    assert console_errors(browser) == []
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert fetched and all(url.startswith(api.base + "/") for url in fetched), fetched
