package dev.braid.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (Debian's headless Chromium through chromedriver) against a real
 * server on a fresh H2 database: a pipeline with two versions and some traffic, then the page shows
 * it, its versions and their diff, and its Rollback button changes the active version for the API too.
 * Chromium missing is a failure, never a skip: install {@code chromium chromium-driver} (README).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String NAME = "support-reply";
    static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> tighter prompt";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "bk_live_DashboardAdminKey000000000000000000000000";

    TestDatabase db;
    Path seeds;
    Path profile;
    EmbeddedServer server;
    URI base;
    HttpClient http;
    ChromeDriver browser;
    String invoker;
    String viewer;
    String deployer;

    static String pipeline(String system) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                input:
                  required: [text]
                  properties:
                    text: { type: string }
                steps:
                  - id: reply
                    model:
                      task: chat
                      targets: [{ provider: mock, model: support }]
                      prompt:
                        system: "%s"
                        user: "{{input.text}}"
                """.formatted(NAME, system);
    }

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard test needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
        db = TestDatabase.h2();
        seeds = Files.createTempDirectory("braid-dashboard-seeds-");
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", seeds.toString());
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        base = URI.create(server.getURL().toString());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        for (String[] v : new String[][] {{"You answer support tickets.", "first cut"},
                {"You answer support tickets in two sentences.", HOSTILE}}) {
            HttpResponse<String> deployed = deploy(pipeline(v[0]), v[1]);
            assertEquals(201, deployed.statusCode(), deployed.body());
        }
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post("/v1/pipelines/" + NAME + "/invoke", "{\"input\":{\"text\":\"My lamp is broken " + i + "\"}}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2, JSON.readTree(r.body()).path("version").asInt());
        }
        invoker = key("invoker");
        viewer = key("viewer");
        deployer = key("deployer");
        // usage rows are written off the request path: wait until all five are readable
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (JSON.readTree(get("/api/usage?groupBy=pipeline").body()).path("rows").path(0).path("requests").asInt() != 5) {
            assertTrue(System.nanoTime() < until, "usage never showed 5 requests: " + get("/api/usage?groupBy=pipeline").body());
            Thread.sleep(100);
        }

        // explicit binary and driver paths: Selenium Manager never runs (it would try to download a driver)
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("braid-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1660", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.getApplicationContext().close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void showsPipelinesVersionsDiffAndRollsBack() throws Exception {
        // the page itself needs no key; its data calls do, and a refusal says so
        browser.get(base.resolve("/").toString());
        assertEquals("Braid dashboard", browser.getTitle());
        await("a missing key is explained", () -> text("#notice").contains("(401)"));
        assertEquals("Not signed in", text("#who"));
        String row = "tr[data-pipeline='" + NAME + "']";
        assertEquals(0, browser.findElements(By.cssSelector(row)).size());

        // an invoker key may not read admin data: 403, explained
        signIn(invoker);
        await("a key without read access is explained", () -> text("#notice").contains("(403)"));
        assertEquals(0, browser.findElements(By.cssSelector(row)).size());

        // a viewer sees everything, numbers included, but no button that changes anything
        signIn(viewer);
        // the key is kept in sessionStorage, never in the URL or a cookie
        assertEquals(viewer, script("return sessionStorage.getItem('braid.apiKey')"));
        await("the pipeline row shows v2 active", () -> "v2".equals(text(row + " td[data-field='active']")));
        await("the viewer is named", () -> text("#who").endsWith("(viewer)"));
        assertTrue(browser.findElement(By.id("notice")).getAttribute("hidden") != null, text("#notice"));
        assertTrue(text(row + " td[data-field='versions']").startsWith("2 "), text(row));
        await("five requests counted", () -> "5".equals(text(row + " td[data-field='requests']")));
        assertEquals("0", text(row + " td[data-field='errors']"));
        assertTrue(Integer.parseInt(text(row + " td[data-field='tokens']").replace(",", "")) > 0, text(row));
        assertEquals("5", text("[data-total='requests'] .value"));
        // the charts drew this hour's point: five requests of support-reply
        assertTrue(browser.findElements(By.cssSelector("#chart-requests g[data-series='" + NAME + "'] circle")).size() >= 1);
        assertTrue(browser.findElement(By.cssSelector("#chart-requests svg > title")).getAttribute("textContent")
                .contains(NAME + " max 5"), text("#chart-requests"));
        assertTrue(browser.findElements(By.cssSelector("#chart-tokens-model g[data-series='mock/support'] circle")).size() >= 1,
                text("#chart-tokens-model"));
        assertTrue(browser.findElements(By.cssSelector("#chart-latency g[data-series='p95'] circle")).size() >= 1);
        // all five requests were the admin key's: it tops "keys by cost"
        assertTrue(browser.findElement(By.cssSelector("#chart-keys svg > title")).getAttribute("textContent")
                .startsWith("Top keys by cost: BRAID_ADMIN_KEY"), text("#chart-keys"));
        // legends carry colour swatches (SVG: the page's CSP allows no inline style)
        assertTrue(browser.findElements(By.cssSelector("#chart-requests .legend svg rect")).size() == 1);
        click(row + " button[data-action='versions']");
        await("both versions listed", () -> browser.findElements(By.cssSelector("#versions tbody tr")).size() == 2);
        assertFalse(browser.findElement(By.id("rollback")).isDisplayed());
        assertTrue(browser.findElement(By.id("rollback-note")).isDisplayed());
        assertEquals(0, browser.findElements(By.cssSelector("#versions button[data-action='activate']")).size());

        // a deployer may roll back
        signIn(deployer);
        await("the deployer is named", () -> text("#who").endsWith("(deployer)"));
        click(row + " button[data-action='versions']");
        await("both versions listed", () -> browser.findElements(By.cssSelector("#versions tbody tr")).size() == 2);
        await("the rollback button is shown", () -> browser.findElement(By.id("rollback")).isDisplayed());
        await("v1 offers Make active", () -> browser.findElements(By.cssSelector(
                "#versions tr[data-version='1'] button[data-action='activate']")).size() == 1);
        assertEquals(0, browser.findElements(By.cssSelector("#versions tr[data-version='2'] button")).size());
        assertEquals("active", text("#versions tr[data-version='2'] td[data-field='state']"));
        assertEquals("", text("#versions tr[data-version='1'] td[data-field='state']"));
        // a server string with markup is shown as text, never parsed
        String versions = text("#versions");
        assertTrue(versions.contains(HOSTILE), versions);
        assertEquals(0, browser.findElements(By.cssSelector("#versions img")).size());
        assertEquals("Braid dashboard", browser.getTitle());

        // the diff of v1 → v2, one coloured line per change
        assertEquals("1", browser.findElement(By.id("diff-from")).getAttribute("value"));
        assertEquals("2", browser.findElement(By.id("diff-to")).getAttribute("value"));
        click("#diff-show");
        await("the diff is shown", () -> browser.findElement(By.id("diff")).isDisplayed());
        List<String> removed = texts("#diff span.del");
        List<String> added = texts("#diff span.add");
        assertEquals(List.of("-        system: \"You answer support tickets.\""), removed);
        assertEquals(List.of("+        system: \"You answer support tickets in two sentences.\""), added);
        assertTrue(text("#diff span.hunk").startsWith("@@ "));
        String addBg = browser.findElement(By.cssSelector("#diff span.add")).getCssValue("background-color");
        String delBg = browser.findElement(By.cssSelector("#diff span.del")).getCssValue("background-color");
        assertTrue(!addBg.equals(delBg) && !addBg.equals("rgba(0, 0, 0, 0)"), addBg + " / " + delBg);

        screenshot();

        // Rollback: the button names where it goes (the server's rollbackTarget) and asks first
        await("the button names its target", () -> "Roll back to v1".equals(text("#rollback")));
        assertTrue(browser.findElement(By.id("rollback")).isEnabled());
        assertFalse(browser.findElement(By.id("rollback-confirm")).isDisplayed());
        click("#rollback");
        await("a confirmation is asked", () -> browser.findElement(By.id("rollback-confirm")).isDisplayed());
        String question = text("#rollback-confirm-text");
        assertTrue(question.contains("from v2 to v1") && question.contains("v2 will be marked rejected"), question);
        assertEquals("Roll back to v1", text("#rollback-confirm-yes"));
        // cancelling changes nothing
        click("#rollback-cancel");
        await("the confirmation is gone", () -> !browser.findElement(By.id("rollback-confirm")).isDisplayed());
        assertEquals(2, JSON.readTree(get("/api/pipelines/" + NAME).body()).path("activeVersion").asInt());
        assertEquals("", text("#rollback-result"));
        assertEquals("active", text("#versions tr[data-version='2'] td[data-field='state']"));
        // confirming moves to the named version
        click("#rollback");
        await("a confirmation is asked again", () -> browser.findElement(By.id("rollback-confirm")).isDisplayed());
        click("#rollback-confirm-yes");
        await("the rollback is reported", () -> text("#rollback-result").contains("now on v1 (was v2)"));
        await("the version left is shown rejected",
                () -> "rejected".equals(text("#versions tr[data-version='2'] td[data-field='state']")));
        // v2 is rejected and nothing earlier exists: the button is disabled and says why
        await("nothing left to roll back", () -> !browser.findElement(By.id("rollback")).isEnabled());
        assertEquals("Roll back", text("#rollback"));
        assertTrue(text("#rollback-reason").startsWith("Nothing to roll back"), text("#rollback-reason"));
        await("the pipeline row shows v1 active", () -> "v1".equals(text(row + " td[data-field='active']")));
        await("the versions list marks v1 active",
                () -> "active".equals(text("#versions tr[data-version='1'] td[data-field='state']")));
        JsonNode pipeline = JSON.readTree(get("/api/pipelines/" + NAME).body());
        assertEquals(1, pipeline.path("activeVersion").asInt(), pipeline.toString());
        HttpResponse<String> after = post("/v1/pipelines/" + NAME + "/invoke", "{\"input\":{\"text\":\"again\"}}");
        assertEquals(1, JSON.readTree(after.body()).path("version").asInt(), after.body());
        assertTrue(browser.findElement(By.id("notice")).getAttribute("hidden") != null, text("#notice"));
        // the audit trail names the deployer's key as who rolled back
        JsonNode last = JSON.readTree(get("/api/pipelines/" + NAME + "/history").body()).path("events");
        assertEquals("deployer-key", last.get(last.size() - 1).path("actor").path("name").asText(), last.toString());

        // nothing the page did broke its Content-Security-Policy, and no script failed
        List<String> console = browser.manage().logs().get("browser").getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage())
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
                .toList();
        assertEquals(List.of(), console);

        // signing out leaves nothing the previous key could see
        browser.findElement(By.id("key-clear")).click();
        await("signed out", () -> text("#notice").contains("(401)"));
        assertEquals(0, browser.findElements(By.cssSelector(row)).size());
        assertFalse(browser.findElement(By.id("detail")).isDisplayed());
    }

    /** Clicks what {@code css} finds, finding it again if a refresh re-rendered it in between. */
    private void click(String css) throws InterruptedException {
        await("clickable: " + css, () -> {
            try {
                browser.findElement(By.cssSelector(css)).click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                return false;
            }
        });
    }

    private void signIn(String secret) {
        WebElement key = browser.findElement(By.id("key-input"));
        key.clear();
        key.sendKeys(secret);
        browser.findElement(By.id("key-save")).click();
    }

    private String key(String role) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/keys", "{\"name\":\"" + role + "-key\",\"role\":\"" + role + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("key").asText();
    }

    private void screenshot() throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Path target = Path.of("target", "dashboard.png");
        Files.createDirectories(target.getParent());
        Files.write(target, png);
    }

    private Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private String text(String css) {
        try {
            return browser.findElement(By.cssSelector(css)).getText().trim();
        } catch (WebDriverException e) {
            return "";
        }
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(e -> e.getText()).toList();
    }

    /** Polls the page until {@code condition} holds (the page loads and refreshes asynchronously). */
    private void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting until " + what + "; notice: " + text("#notice")
                + "; usage: " + text("#usage-status"));
    }

    private HttpResponse<String> deploy(String yaml, String message) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/pipelines?activate=true&message="
                        + URLEncoder.encode(message, StandardCharsets.UTF_8)))
                .header("Content-Type", "application/yaml").header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + ADMIN).GET().timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
