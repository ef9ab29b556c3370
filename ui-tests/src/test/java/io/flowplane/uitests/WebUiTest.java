package io.flowplane.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web UI in headless Chromium against the real control plane and a real agent: sign-in and
 * the live runs list, live logs and cancel, the schema-generated run form with the server's field
 * errors, a viewer key's read-only pages, and XSS payloads in logs and artifacts shown as text.
 */
class WebUiTest extends BrowserTest {
    @BeforeEach
    void signedOutFirst() {
        signedOut();
    }

    @Test
    void aRunCreatedThroughRestAppearsInTheListWithoutAReload() throws Exception {
        world.shellDeployment("list-live", "idle", "true");
        signIn(UiWorld.ADMIN);
        open("/runs");
        waitFor(By.id("runs-table"));
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(UiWorld.ADMIN);
        assertThat(browser.js("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.js("return sessionStorage.getItem('flowplane.apiKey')")).isEqualTo(UiWorld.ADMIN);
        browser.js("window.__sameDocument = true");

        String id = world.run("list-live", "{}");

        WebElement row = await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.driver.findElement(By.cssSelector("tr[data-run-id='" + id + "']")), e -> true);
        assertThat(row.getText()).contains("list-live").contains("Scheduled");
        assertThat(browser.js("return window.__sameDocument === true")).as("no reload").isEqualTo(true);

        // A state change shows up in place too.
        world.post("/api/v1/flow-runs/" + id + "/cancel", null, 200);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> browser.driver
                .findElement(By.cssSelector("tr[data-run-id='" + id + "']")).getText().contains("Cancelled"));
        assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
    }

    @Test
    void logsOfARunningRunAppearLiveAndCancelEndsItCancelled() throws Exception {
        world.shellDeployment("ticker", "ui", "i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done");
        String id = world.run("ticker", "{}");
        signIn(UiWorld.ADMIN);
        open("/runs/" + id);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> text(By.id("log-lines")).contains("tick 2"));
        int seen = lines();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> lines() >= seen + 5);
        assertThat(text(By.id("run-state"))).contains("Running");

        click(By.id("cancel-run"));

        await().atMost(Duration.ofSeconds(15)).until(() -> world.stateType(id).equals("CANCELLED"));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> text(By.id("run-state")).contains("Cancelled"));
        assertThat(browser.driver.findElements(By.id("cancel-run"))).isEmpty();
        assertThat(text(By.id("run-timeline"))).contains("Cancelling").contains("Cancelled");
    }

    private static int lines() {
        return browser.driver.findElements(By.cssSelector("#log-lines .line")).size();
    }

    @Test
    void theRunFormShowsTheServersFieldErrorAndAValidRunStarts() throws Exception {
        world.post("/api/v1/deployments", """
                {"name": "form-etl", "flowName": "etl", "workPool": "idle",
                 "entrypoint": {"command": ["true"]},
                 "parameters": {"rows": 10, "mode": "full"},
                 "parameterSchema": {"type": "object", "required": ["rows"], "properties": {
                   "rows": {"type": "integer", "minimum": 1, "description": "rows to load"},
                   "mode": {"type": "string", "enum": ["full", "incremental"]},
                   "dryRun": {"type": "boolean"}}}}""", 201);
        JsonNode refused = world.post("/api/v1/deployments/form-etl/runs", "{\"parameters\":{\"rows\":0,\"mode\":\"full\"}}", 422);
        String serverMessage = refused.path("errors").get(0).path("message").asText();
        assertThat(refused.path("errors").get(0).path("field").asText()).isEqualTo("parameters.rows");

        signIn(UiWorld.ADMIN);
        open("/deployments/form-etl");
        WebElement rows = waitFor(By.id("param-rows"));
        assertThat(rows.getAttribute("value")).isEqualTo("10");
        rows.clear();
        rows.sendKeys("0");
        browser.driver.findElement(By.id("start-run")).click();

        By rowsError = By.cssSelector(".field[data-field='rows'] .field-error");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !text(rowsError).isEmpty());
        assertThat(text(rowsError)).isEqualTo(serverMessage);
        assertThat(world.get("/api/v1/flow-runs?deployment=form-etl").path("items")).isEmpty();

        rows = browser.driver.findElement(By.id("param-rows"));
        rows.clear();
        rows.sendKeys("5");
        new Select(browser.driver.findElement(By.id("param-mode"))).selectByVisibleText("incremental");
        browser.driver.findElement(By.id("start-run")).click();

        waitFor(By.id("started-run-link"));
        assertThat(text(rowsError)).isEmpty();
        JsonNode runs = world.get("/api/v1/flow-runs?deployment=form-etl").path("items");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).path("parameters").path("rows").asInt()).isEqualTo(5);
        assertThat(runs.get(0).path("parameters").path("mode").asText()).isEqualTo("incremental");
    }

    @Test
    void aViewerKeySeesNoWriteControlsAndAForcedWriteIsRefused() throws Exception {
        world.shellDeployment("viewer-sees", "idle", "true");
        String id = world.run("viewer-sees", "{}");
        String viewer = world.key("ui-viewer", "viewer");
        signIn(viewer);
        assertThat(text(By.id("who-role"))).isEqualTo("viewer");
        assertThat(browser.driver.findElements(By.cssSelector("a[data-nav='api-keys']"))).isEmpty();

        open("/runs/" + id);
        waitFor(By.id("run-state"));
        waitFor(By.id("log-lines"));
        assertThat(browser.driver.findElements(By.id("cancel-run"))).isEmpty();
        assertThat(browser.driver.findElements(By.id("retry-run"))).isEmpty();

        open("/deployments/viewer-sees");
        waitFor(By.id("read-only-note"));
        assertThat(browser.driver.findElements(By.id("run-form"))).isEmpty();
        assertThat(browser.driver.findElements(By.id("pause-deployment"))).isEmpty();

        open("/work-pools");
        waitFor(By.cssSelector("[data-pool='idle']"));
        assertThat(browser.driver.findElements(By.cssSelector("[id^='toggle-pool-']"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("#pools button"))).as("no pool or queue toggle").isEmpty();

        // The buttons are missing, but the server is what refuses: a write sent anyway with the
        // session's key answers 403 and changes nothing.
        Object status = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/flow-runs/' + arguments[0] + '/cancel', {method: 'POST',
                  headers: {Authorization: 'Bearer ' + sessionStorage.getItem('flowplane.apiKey')}})
                  .then(r => done(r.status), e => done(String(e)));""", id);
        assertThat(status).isEqualTo(403L);
        assertThat(world.stateType(id)).isEqualTo("SCHEDULED");
    }

    @Test
    void scriptAndImagePayloadsInLogsAndArtifactsRenderAsText() throws Exception {
        String script = "<script>window.__xss = 'script'</script>";
        String img = "<img src=x onerror=\"window.__xss = 'img'\">";
        String id = world.reportedRun("xss-flow", "xss-run", List.of(
                UiWorld.log("INFO", LogStream.STDOUT, "log says " + script),
                UiWorld.log("ERROR", LogStream.STDERR, "and " + img),
                UiWorld.artifact("report", "markdown", "md " + img, "# Title " + script + "\n\n" + img
                        + "\n\n[click](javascript:window.__xss='link')\n\n| a | b |\n|---|---|\n| " + img + " | x |"),
                UiWorld.artifact("rows", "table", "table", "[{\"name\":\"" + img.replace("\"", "\\\"") + "\"}]"),
                UiWorld.artifact("bad-link", "link", "a javascript link", "javascript:window.__xss='link'")),
                StateType.COMPLETED);
        signIn(UiWorld.ADMIN);
        open("/runs/" + id);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> text(By.id("log-lines")).contains("onerror"));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> text(By.id("run-artifacts")).contains("Title"));

        assertThat(text(By.id("log-lines"))).contains(script).contains(img);
        String artifacts = text(By.id("run-artifacts"));
        assertThat(artifacts).contains(script).contains(img);
        assertThat(browser.driver.findElements(By.cssSelector("#log-lines img, #log-lines script, #run-artifacts img, #run-artifacts script")))
                .isEmpty();
        for (WebElement a : browser.driver.findElements(By.cssSelector("#run-artifacts a"))) {
            assertThat(a.getAttribute("href")).doesNotStartWith("javascript:");
        }
        browser.driver.findElements(By.cssSelector("#run-artifacts .md-inert-link")).forEach(WebElement::click);
        assertThat(browser.js("return window.__xss === undefined")).as("no payload ran").isEqualTo(true);
    }

    @Test
    void pagesServeWithAStrictContentSecurityPolicy() throws Exception {
        var r = world.cp.call("GET", "/", null, null);
        Map<String, List<String>> headers = r.headers().map();
        assertThat(headers.get("content-security-policy").get(0)).contains("script-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(headers.get("x-frame-options")).containsExactly("DENY");
    }
}
