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
 * The dashboard's release view in a real browser (Debian's headless Chromium) against a real server:
 * a running release shows both arms side by side and the candidate's state; rollback is refused while
 * it runs; abort and promote ask for confirmation first and then do what they said; and the CI
 * scenario: after an abort, the dashboard's rollback never offers the rejected candidate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardReleaseBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String ADMIN = "bk_live_DashboardReleaseAdminKey0000000000000";
    static final String NAME = "rel-dash";
    static final ObjectMapper JSON = new ObjectMapper();

    TestDatabase db;
    Path profile;
    EmbeddedServer server;
    URI base;
    HttpClient http;
    ChromeDriver browser;
    String deployer;

    static String pipeline(int v) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: out
                    transform: { jsonata: '{"v": %d}' }
                """.formatted(NAME, v);
    }

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard test needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
        db = TestDatabase.h2();
        Map<String, Object> p = new HashMap<>(db.properties());
        p.put("micronaut.server.port", -1);
        p.put("braid.pipelines.shipped", false);
        p.put("braid.pipelines.dir", Files.createTempDirectory("braid-dash-rel-").toString());
        p.put("braid.auth.enabled", true);
        p.put("braid.admin-key", ADMIN);
        p.put("braid.usage.flush-interval", "100ms");
        server = ApplicationContext.run(EmbeddedServer.class, p, "test");
        base = URI.create(server.getURL().toString());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int v = 1; v <= 3; v++) {
            HttpResponse<String> d = send("/api/pipelines", "application/yaml", pipeline(v));
            assertEquals(201, d.statusCode(), d.body());
        }
        HttpResponse<String> k = send("/api/keys", "application/json", "{\"name\":\"deployer-key\",\"role\":\"deployer\"}");
        assertEquals(201, k.statusCode(), k.body());
        deployer = JSON.readTree(k.body()).path("key").asText();

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
    void stop() {
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
    void showsBothArmsAndAbortsAndPromotesOnlyAfterConfirming() throws Exception {
        HttpResponse<String> started = send("/api/pipelines/" + NAME + "/releases", "application/json",
                "{\"candidate\":2,\"steps\":[50,100],\"stepEvery\":\"1h\",\"sticky\":\"none\"}");
        assertEquals(201, started.statusCode(), started.body());
        for (int i = 0; i < 20; i++) {
            assertEquals(200, send("/v1/pipelines/" + NAME + "/invoke", "application/json", "{\"input\":{}}").statusCode());
        }
        browser.get(base.resolve("/").toString());
        WebElement key = browser.findElement(By.id("key-input"));
        key.sendKeys(deployer);
        browser.findElement(By.id("key-save")).click();
        click("tr[data-pipeline='" + NAME + "'] button[data-action='versions']");

        await("the release is shown", () -> browser.findElement(By.id("release")).isDisplayed());
        assertTrue(text("#release-summary").contains("v1 → v2: 50 % of traffic on the candidate"), text("#release-summary"));
        await("both arms with their requests", () -> {
            try {
                long stable = Long.parseLong(text("#release-arms tr[data-arm='stable'] td[data-field='requests']"));
                long candidate = Long.parseLong(text("#release-arms tr[data-arm='candidate'] td[data-field='requests']"));
                return stable + candidate == 20;
            } catch (NumberFormatException e) {
                return false;
            }
        });
        assertEquals("0.00 %", text("#release-arms tr[data-arm='candidate'] td[data-field='errorRate']"));
        assertEquals("candidate", text("#versions tr[data-version='2'] td[data-field='state']"));
        assertFalse(browser.findElement(By.id("rollback")).isEnabled(), "no rollback while a release runs");
        assertTrue(text("#rollback-reason").contains("A release is running"), text("#rollback-reason"));

        // abort: asked first; cancelling changes nothing
        click("#release-abort");
        await("a confirmation is asked", () -> browser.findElement(By.id("release-confirm")).isDisplayed());
        assertTrue(text("#release-confirm-text").contains("All traffic goes back to v1 now, and v2 will be marked rejected"),
                text("#release-confirm-text"));
        click("#release-cancel");
        await("the confirmation is gone", () -> !browser.findElement(By.id("release-confirm")).isDisplayed());
        assertEquals(200, get("/api/pipelines/" + NAME + "/releases/current").statusCode(), "still running");
        click("#release-abort");
        await("a confirmation is asked again", () -> browser.findElement(By.id("release-confirm")).isDisplayed());
        click("#release-confirm-yes");
        await("the abort is reported", () -> text("#rollback-result").contains("Aborted"));
        await("the release view is gone", () -> !browser.findElement(By.id("release")).isDisplayed());
        await("v2 shows rejected", () -> "rejected".equals(text("#versions tr[data-version='2'] td[data-field='state']")));
        assertEquals(404, get("/api/pipelines/" + NAME + "/releases/current").statusCode());
        // the rejected candidate is never a rollback target: v1 never left, nothing to roll back to
        await("nothing to roll back", () -> !browser.findElement(By.id("rollback")).isEnabled()
                && text("#rollback-reason").startsWith("Nothing to roll back"));

        // promote v3 from the page, after confirming
        assertEquals(201, send("/api/pipelines/" + NAME + "/releases", "application/json",
                "{\"candidate\":3,\"steps\":[10,100],\"stepEvery\":\"1h\"}").statusCode());
        await("the new release is shown", () -> browser.findElement(By.id("release")).isDisplayed()
                && "Promote v3".equals(text("#release-promote")));
        click("#release-promote");
        await("a confirmation is asked", () -> browser.findElement(By.id("release-confirm")).isDisplayed());
        assertTrue(text("#release-confirm-text").contains("Promote v3"), text("#release-confirm-text"));
        click("#release-confirm-yes");
        await("the promotion is reported", () -> text("#rollback-result").contains("now on v3"));
        await("v3 is active", () -> "active".equals(text("#versions tr[data-version='3'] td[data-field='state']")));
        JsonNode p = JSON.readTree(get("/api/pipelines/" + NAME).body());
        assertEquals(3, p.path("activeVersion").asInt(), p.toString());
        // after a promotion, a plain rollback goes back to the old stable, never to the rejected v2
        await("the rollback names v1", () -> "Roll back to v1".equals(text("#rollback")));

        List<String> console = browser.manage().logs().get("browser").getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage())
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
                .toList();
        assertEquals(List.of(), console);
    }

    private void click(String css) throws InterruptedException {
        await("clickable: " + css, () -> {
            try {
                browser.findElement(By.cssSelector(css)).click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException
                    | org.openqa.selenium.ElementNotInteractableException e) {
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

    private HttpResponse<String> send(String path, String type, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", type)
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + ADMIN).GET()
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
