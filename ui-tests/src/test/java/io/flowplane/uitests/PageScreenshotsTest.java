package io.flowplane.uitests;

import io.flowplane.examples.sales.Deploy;
import io.flowplane.sdk.client.FlowplaneClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Captures every page as a PNG under target/ui-screenshots (and into docs/ui with
 * -Dui.docsDir=…), on data made by real runs: the example ETL flow run by the agent (task runs,
 * logs, artifacts), a failing deployment, scheduled deployments in Europe/Berlin.
 */
class PageScreenshotsTest {
    @TempDir
    static Path dir;
    static UiWorld world;
    static Browser browser;
    static String salesRun;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        world = UiWorld.start(dir);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        new FlowplaneClient(world.cp.rest("").toString(), UiWorld.ADMIN).upsertDeployment(Deploy.spec("ui", javaBin, classPath));
        salesRun = world.run("sales-report", "{\"parameters\": {\"outputDir\": \"" + dir.resolve("sales-out") + "\", \"chunkSize\": 40}}");
        world.post("/api/v1/deployments", """
                {"name": "nightly-etl", "flowName": "etl", "workPool": "idle", "description": "Loads yesterday's orders into the warehouse",
                 "entrypoint": {"command": ["sh", "-c", "echo rows=$ROWS"]}, "parameters": {"rows": 1000, "mode": "incremental"},
                 "parameterSchema": {"type": "object", "required": ["rows"], "properties": {
                   "rows": {"type": "integer", "minimum": 1, "description": "rows per batch"},
                   "mode": {"type": "string", "enum": ["full", "incremental"]}, "dryRun": {"type": "boolean"}}},
                 "schedules": [{"name": "nightly", "cron": "30 2 * * *", "timezone": "Europe/Berlin"},
                               {"name": "month-start", "cron": "30 2 1 * *", "timezone": "Europe/Berlin"}],
                 "retries": 2, "retryDelaysSeconds": [10, 60], "tags": ["warehouse"]}""", 201);
        world.shellDeployment("hello", "ui", "echo hello from the agent; echo a warning >&2");
        world.shellDeployment("always-fails", "ui", "echo about to fail; echo 'boom: disk full' >&2; exit 1");
        world.shellDeployment("ticker", "ui", "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo tick $i; sleep 0.2; done");
        for (int i = 0; i < 3; i++) {
            world.run("hello", "{}");
        }
        world.run("always-fails", "{}");
        world.run("always-fails", "{}");
        world.run("ticker", "{}");
        world.key("ci-deployer", "developer");
        world.key("grafana", "viewer");
        await().atMost(Duration.ofSeconds(120)).until(() -> world.stateType(salesRun).equals("COMPLETED"));
        browser = Browser.start(dir.resolve("chromium-profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void everyPageIsCaptured() throws Exception {
        browser.driver.get(world.url());
        WebElement input = BrowserTest.waitForIn(browser, By.id("api-key"));
        shot("login");
        input.sendKeys(UiWorld.ADMIN);
        browser.driver.findElement(By.id("login-submit")).click();
        BrowserTest.waitForIn(browser, By.id("who-role"));

        page("/dashboard", By.cssSelector("#activity-chart svg"), "dashboard");
        page("/runs", By.id("runs-table"), "runs");
        page("/runs/" + salesRun, By.cssSelector("#run-tasks .g-row"), null);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.driver.findElement(By.id("run-artifacts")).getText().contains("region"));
        shot("run");
        page("/deployments", By.id("deployments-table"), "deployments");
        page("/deployments/nightly-etl", By.cssSelector(".next-runs li"), "deployment");
        page("/work-pools", By.cssSelector("[data-pool='ui']"), "work-pools");
        page("/agents", By.id("agents-table"), "agents");
        page("/api-keys", By.id("keys-table"), "api-keys");
        assertThat(Files.list(Path.of(System.getProperty("flowplane.ui.screenshots", "target/ui-screenshots"))))
                .extracting(p -> p.getFileName().toString())
                .contains("login.png", "dashboard.png", "runs.png", "run.png", "deployments.png", "deployment.png",
                        "work-pools.png", "agents.png", "api-keys.png");
        // Every page rendered under the UI's strict Content-Security-Policy without a refusal or a script error.
        assertThat(browser.consoleErrors()).as("console errors on the pages").isEmpty();
    }

    private static void page(String hash, By ready, String name) throws Exception {
        browser.driver.manage().window().setSize(new Dimension(1440, 1000));
        browser.driver.get(world.url() + "#" + hash);
        BrowserTest.waitForIn(browser, ready);
        if (name != null) {
            shot(name);
        }
    }

    /** The whole page: the window grows to the document's height first. */
    private static void shot(String name) throws Exception {
        long height = (Long) browser.js("return Math.max(document.documentElement.scrollHeight, 900)");
        browser.driver.manage().window().setSize(new Dimension(1440, (int) Math.min(height, 4000)));
        Path png = browser.screenshot(name);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
