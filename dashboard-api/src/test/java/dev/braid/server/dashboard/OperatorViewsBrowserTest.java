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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The operator views in headless Chromium against a real server on H2: per-version figures and the
 * pipeline's history, the audit trail, the request log (prompt logging off, then on), key names
 * instead of ids, no phantom chart series, a confirmation naming the effect before "Make active",
 * and a public {@code /favicon.ico}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorViewsBrowserTest {

    static final String NAME = "ops-demo";
    static final String ADMIN = "bk_live_OperatorViewsAdminKey0000000000000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    TestDatabase db;
    EmbeddedServer server;
    URI base;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ChromeDriver browser;
    Path profile;

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
    void browser() throws IOException {
        assertTrue(Files.isExecutable(DashboardBrowserTest.CHROMIUM) && Files.isExecutable(DashboardBrowserTest.CHROMEDRIVER),
                "the dashboard test needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
        System.setProperty("webdriver.chrome.driver", DashboardBrowserTest.CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("braid-chromium-ops-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(DashboardBrowserTest.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1660", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DashboardBrowserTest.CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.getApplicationContext().close();
            server = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

    void startServer(boolean text) throws Exception {
        db = TestDatabase.h2();
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", Files.createTempDirectory("braid-ops-seeds-").toString());
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.usage.flush-interval", "50ms");
        p.put("braid.request-log.text", text);
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        base = URI.create(server.getURL().toString());
        for (String system : List.of("You answer tickets.", "You answer tickets briefly.")) {
            HttpResponse<String> r = send("POST", "/api/pipelines?activate=true", pipeline(system), ADMIN, "application/yaml");
            assertEquals(201, r.statusCode(), r.body());
        }
    }

    @Test
    void historyFiguresAuditAndRequestLogWithPromptLoggingOff() throws Exception {
        startServer(false);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, invoke("{\"input\":{\"text\":\"lamp " + i + " ada@example.com\"}}").statusCode());
        }
        assertEquals(200, invoke("{\"input\":{\"text\":\"pinned\"},\"version\":1}").statusCode());
        // a mistyped pipeline and a direct model call: usage rows without a deployed pipeline or with no model
        assertEquals(404, send("POST", "/v1/pipelines/nope/invoke", "{\"input\":{\"text\":\"x\"}}", ADMIN,
                "application/json").statusCode());
        assertEquals(200, send("POST", "/v1/chat/completions",
                "{\"model\":\"mock/any\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", ADMIN,
                "application/json").statusCode());
        String viewer = key("ops-viewer", "viewer");
        awaitApi(() -> json("/api/requests").path("requests").size() >= 6);

        // a browser's automatic icon request needs no key
        HttpResponse<String> icon = http.send(HttpRequest.newBuilder(base.resolve("/favicon.ico")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, icon.statusCode());
        assertEquals("image/svg+xml", icon.headers().firstValue("Content-Type").orElse("").split(";")[0]);

        browser.get(base.resolve("/").toString());
        signIn(ADMIN);
        String row = "tr[data-pipeline='" + NAME + "']";
        await("the pipeline row", () -> "v2".equals(text(row + " td[data-field='active']")));

        // the request log: metadata, key by name, no text (logging is off)
        await("the request log lists six requests", () -> browser.findElements(By.cssSelector("#requests tr[data-request]")).size() >= 6);
        assertEquals("off", attr("#requests-note", "data-text"));
        assertTrue(text("#requests-note").contains("not stored"), text("#requests-note"));
        assertEquals(0, browser.findElements(By.cssSelector("#requests tr.text-row")).size());
        assertFalse(text("#requests").contains("ada@example.com"));
        List<String> keys = texts("#requests td[data-field='key']");
        assertTrue(keys.stream().allMatch("BRAID_ADMIN_KEY"::equals), keys.toString());
        List<String> targets = texts("#requests td[data-field='target']");
        assertTrue(targets.contains(NAME) && targets.contains("mock/any") && targets.contains("nope"), targets.toString());
        assertTrue(texts("#requests td[data-field='version']").contains("v1"));
        assertFalse(texts("#requests td[data-field='request-id']").get(0).isBlank());

        // charts: series of deployed pipelines and named models only; keys by name
        await("the requests chart", () -> browser.findElements(By.cssSelector(
                "#chart-requests g[data-series='" + NAME + "']")).size() == 1);
        for (String phantom : List.of("nope", "(no pipeline)", "(no model)", "null")) {
            assertEquals(0, browser.findElements(By.cssSelector("#charts g[data-series='" + phantom + "']")).size(), phantom);
        }
        assertFalse(text("#charts").contains("(no pipeline)") || text("#charts").contains("(no model)"), text("#charts"));
        assertTrue(browser.findElements(By.cssSelector("#chart-tokens-model g[data-series='mock/any']")).size() == 1);
        assertTrue(attr("#chart-keys svg > title", "textContent").startsWith("Top keys by cost: BRAID_ADMIN_KEY"),
                attr("#chart-keys svg > title", "textContent"));
        assertFalse(text("#chart-keys").contains("key_env_"), text("#chart-keys"));

        // the pipeline: per-version figures and its history
        click(row + " button[data-action='versions']");
        await("v2's figures", () -> "3".equals(text("#version-figures tr[data-version='2'] td[data-field='requests']")));
        assertEquals("0%", text("#version-figures tr[data-version='2'] td[data-field='error-rate']"));
        assertEquals("1", text("#version-figures tr[data-version='1'] td[data-field='requests']"));
        for (String field : List.of("p50", "p99", "cost-per-request")) {
            String v = text("#version-figures tr[data-version='2'] td[data-field='" + field + "']");
            assertFalse(v.isEmpty() || "—".equals(v), field + ": " + v);
        }
        await("the history", () -> browser.findElements(By.cssSelector("#history tbody tr[data-type]")).size() == 2);
        assertEquals("deployed v2 and made it active (was v1)", texts("#history td[data-field='what']").get(0));
        assertEquals(List.of("BRAID_ADMIN_KEY", "BRAID_ADMIN_KEY"), texts("#history td[data-field='actor']"));

        // the audit trail (admin): key events by key name, deploys by pipeline and version
        await("the audit trail", () -> texts("#audit td[data-field='subject']").contains("key ops-viewer (viewer)"));
        assertTrue(texts("#audit td[data-field='subject']").contains(NAME + " v2 (from v1)"), text("#audit"));

        // Make active asks first, naming the effect; cancel changes nothing
        click("#versions tr[data-version='1'] button[data-action='activate']");
        await("a confirmation", () -> browser.findElement(By.id("change-confirm")).isDisplayed());
        String question = text("#change-confirm-text");
        assertTrue(question.contains("Make v1 of " + NAME + " active?") && question.contains("from v2"), question);
        assertEquals("Make v1 active", text("#change-confirm-yes"));
        click("#change-cancel");
        await("the confirmation is gone", () -> !browser.findElement(By.id("change-confirm")).isDisplayed());
        assertEquals(2, json("/api/pipelines/" + NAME).path("activeVersion").asInt());
        click("#versions tr[data-version='1'] button[data-action='activate']");
        await("asked again", () -> browser.findElement(By.id("change-confirm")).isDisplayed());
        click("#change-confirm-yes");
        await("v1 is active", () -> "v1".equals(text(row + " td[data-field='active']")));
        assertEquals(1, json("/api/pipelines/" + NAME).path("activeVersion").asInt());
        await("the history shows the activation", () -> "made v1 active (was v2)".equals(
                texts("#history td[data-field='what']").stream().findFirst().orElse("")));

        // a viewer sees the request log but is told the audit trail needs an admin key
        signIn(viewer);
        await("the viewer is named", () -> text("#who").endsWith("(viewer)"));
        await("the audit trail is explained", () -> text("#audit-note").contains("needs an admin key"));
        assertEquals(0, browser.findElements(By.cssSelector("#audit tbody tr")).size());
        await("the viewer's request log", () -> browser.findElements(By.cssSelector("#requests tr[data-request]")).size() >= 6);

        List<String> console = browser.manage().logs().get("browser").getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage())
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("favicon"))
                .toList();
        assertEquals(List.of(), console);
        browser.findElement(By.id("key-clear")).click();
        await("signed out", () -> browser.findElements(By.cssSelector("#requests tr[data-request]")).isEmpty());
    }

    @Test
    void requestLogShowsMaskedTextToAdminsWhenPromptLoggingIsOn() throws Exception {
        startServer(true);
        assertEquals(200, invoke("{\"input\":{\"text\":\"refund to ada@example.com please\"}}").statusCode());
        String viewer = key("ops-viewer", "viewer");
        awaitApi(() -> json("/api/requests").path("requests").path(0).path("hasText").asBoolean());

        browser.get(base.resolve("/").toString());
        signIn(ADMIN);
        await("the text row", () -> browser.findElements(By.cssSelector("#requests tr.text-row")).size() == 1);
        assertEquals("visible", attr("#requests-note", "data-text"));
        String prompt = text("#requests tr.text-row pre[data-field='prompt']");
        assertTrue(prompt.contains("refund to <EMAIL_1> please"), prompt);
        assertFalse(text("#requests").contains("ada@example.com"), text("#requests"));
        assertFalse(text("#requests tr.text-row pre[data-field='answer']").isEmpty());

        signIn(viewer);
        await("the viewer is named", () -> text("#who").endsWith("(viewer)"));
        await("the viewer is told text is admin-only", () -> "hidden".equals(attr("#requests-note", "data-text")));
        assertEquals(0, browser.findElements(By.cssSelector("#requests tr.text-row")).size());
        assertEquals(1, browser.findElements(By.cssSelector("#requests tr[data-request]")).size());
        browser.findElement(By.id("key-clear")).click();
    }

    private HttpResponse<String> invoke(String body) throws Exception {
        return send("POST", "/v1/pipelines/" + NAME + "/invoke", body, ADMIN, "application/json");
    }

    private String key(String name, String role) throws Exception {
        HttpResponse<String> r = send("POST", "/api/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}", ADMIN,
                "application/json");
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("key").asText();
    }

    private JsonNode json(String path) throws Exception {
        return JSON.readTree(send("GET", path, null, ADMIN, null).body());
    }

    private HttpResponse<String> send(String method, String path, String body, String key, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void signIn(String secret) {
        WebElement key = browser.findElement(By.id("key-input"));
        key.clear();
        key.sendKeys(secret);
        browser.findElement(By.id("key-save")).click();
    }

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

    private String text(String css) {
        try {
            return browser.findElement(By.cssSelector(css)).getText().trim();
        } catch (WebDriverException e) {
            return "";
        }
    }

    private String attr(String css, String name) {
        try {
            String v = browser.findElement(By.cssSelector(css)).getAttribute(name);
            return v == null ? "" : v;
        } catch (WebDriverException e) {
            return "";
        }
    }

    private List<String> texts(String css) {
        try {
            return browser.findElements(By.cssSelector(css)).stream().map(e -> e.getText().trim()).toList();
        } catch (WebDriverException e) {
            return List.of();
        }
    }

    private void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting until " + what + "; notice: " + text("#notice"));
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    private void awaitApi(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!check.holds()) {
            assertTrue(System.nanoTime() < deadline, "the server never showed the expected state");
            Thread.sleep(100);
        }
    }
}
