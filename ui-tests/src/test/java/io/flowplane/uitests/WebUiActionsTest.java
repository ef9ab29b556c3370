package io.flowplane.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The UI's write actions and list controls in headless Chromium, each checked against what the
 * REST API then says: retrying a failed run, pausing and resuming a deployment and a work pool,
 * creating an API key (shown once, and it works) and revoking it (and it stops working), and
 * the runs list's deployment filter, state chips and cursor paging; and the API reference
 * (Swagger UI) rendering under its Content-Security-Policy with no console error.
 */
class WebUiActionsTest extends BrowserTest {
    @BeforeEach
    void signedInAsAdmin() {
        signedOut();
        signIn(UiWorld.ADMIN);
    }

    @Test
    void aFailedRunIsRetriedFromItsPageAndRunsAsAttemptTwo() throws Exception {
        // The first attempt leaves a marker and fails; the retry finds the marker and succeeds.
        String marker = dir.resolve("retry-marker").toString();
        world.shellDeployment("fails-once", "ui", "[ -f '" + marker + "' ] && exit 0; touch '" + marker + "'; exit 3");
        String id = world.run("fails-once", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> world.stateType(id).equals("FAILED"));

        open("/runs/" + id);
        click(By.id("retry-run"));

        await().atMost(Duration.ofSeconds(30)).until(() -> world.stateType(id).equals("COMPLETED"));
        assertThat(world.get("/api/v1/flow-runs/" + id).path("attempt").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.driver.findElement(By.id("run-state")).getText().contains("Completed"));
        assertThat(browser.driver.findElements(By.id("retry-run"))).as("no retry for a completed run").isEmpty();
    }

    @Test
    void aDeploymentAndAWorkPoolArePausedAndResumedFromTheirPages() throws Exception {
        world.shellDeployment("pausable", "idle", "true");
        open("/deployments/pausable");
        click(By.id("pause-deployment"));
        waitFor(By.id("paused-chip"));
        assertThat(world.get("/api/v1/deployments/pausable").path("paused").asBoolean()).isTrue();
        click(By.id("resume-deployment"));
        waitFor(By.id("pause-deployment"));
        assertThat(world.get("/api/v1/deployments/pausable").path("paused").asBoolean()).isFalse();

        open("/work-pools");
        By toggle = By.id("toggle-pool-idle");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.driver.findElement(toggle).getText().equals("Pause"));
        click(toggle);
        await().atMost(Duration.ofSeconds(15)).until(() -> poolPaused("idle"));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.driver.findElement(toggle).getText().equals("Resume"));
        click(toggle);
        await().atMost(Duration.ofSeconds(15)).until(() -> !poolPaused("idle"));
    }

    private static boolean poolPaused(String name) throws Exception {
        for (JsonNode p : world.get("/api/v1/work-pools")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("paused").asBoolean();
            }
        }
        throw new AssertionError("no pool " + name);
    }

    @Test
    void aKeyCreatedInTheUiIsShownOnceWorksAndStopsWorkingWhenRevoked() throws Exception {
        open("/api-keys");
        waitFor(By.id("key-name")).sendKeys("ui-made");
        new Select(browser.driver.findElement(By.id("key-role"))).selectByVisibleText("viewer");
        browser.driver.findElement(By.cssSelector("#key-form button[type='submit']")).click();
        String key = waitFor(By.id("new-key")).getText();
        assertThat(key).startsWith("fp_");
        assertThat(world.cp.call("GET", "/api/v1/flow-runs", key, null).statusCode()).isEqualTo(200);
        assertThat(text(By.id("keys-table"))).contains("ui-made").doesNotContain(key);

        // Shown once: the page opened again lists the key by its prefix only.
        open("/runs");
        open("/api-keys");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> text(By.id("keys-table")).contains("ui-made"));
        assertThat(browser.driver.findElements(By.id("new-key"))).isEmpty();
        assertThat(browser.driver.getPageSource()).doesNotContain(key);

        WebElement row = browser.driver.findElements(By.cssSelector("#keys-table tr")).stream()
                .filter(r -> r.getText().contains("ui-made")).findFirst().orElseThrow();
        row.findElement(By.cssSelector("button.danger")).click();
        browser.driver.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(15)).until(() -> world.cp.call("GET", "/api/v1/flow-runs", key, null).statusCode() == 401);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> browser.driver.findElements(By.cssSelector("#keys-table tr"))
                .stream().anyMatch(r -> r.getText().contains("ui-made") && r.getText().contains("revoked")));
    }

    @Test
    void theRunsListFiltersByDeploymentAndStateAndPagesWithItsCursor() throws Exception {
        world.shellDeployment("many-runs", "idle", "true");
        world.shellDeployment("few-runs", "idle", "true");
        Set<String> many = new HashSet<>();
        for (int i = 0; i < 55; i++) {
            many.add(world.run("many-runs", "{}"));
        }
        String cancelled = world.run("few-runs", "{}");
        String scheduled = world.run("few-runs", "{}");
        world.post("/api/v1/flow-runs/" + cancelled + "/cancel", null, 200);

        open("/runs");
        new Select(waitFor(By.id("filter-deployment"))).selectByVisibleText("few-runs");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> shownRuns().equals(Set.of(cancelled, scheduled)));
        assertThat(browser.driver.getCurrentUrl()).contains("deployment=few-runs");

        click(By.cssSelector("#state-counts [data-state-type='CANCELLED']"));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> shownRuns().equals(Set.of(cancelled)));

        open("/runs?deployment=many-runs");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> shownRuns().size() == 50);
        Set<String> first = shownRuns();
        click(By.id("next-page"));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> shownRuns().size() == 5);
        Set<String> second = shownRuns();
        assertThat(second).doesNotContainAnyElementsOf(first);
        Set<String> both = new HashSet<>(first);
        both.addAll(second);
        assertThat(both).isEqualTo(many);
    }

    @Test
    void theApiReferenceRendersInTheBrowserUnderItsContentSecurityPolicy() {
        browser.consoleErrors();
        browser.driver.get(world.url() + "api/docs/");
        // Signed in above: the reference reads the tab's key from the same session entry as the UI.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> browser.driver.findElements(By.cssSelector(".opblock")).size() > 20);
        assertThat(browser.driver.findElement(By.id("swagger-ui")).getText()).contains("/api/v1/flow-runs");
        assertThat(browser.consoleErrors()).as("console errors, e.g. CSP refusals").isEmpty();
    }

    @Test
    void aSchedulesNextRunsMarkEachOneAfterAUtcOffsetChange() throws Exception {
        // Every second month in Berlin: five instants span eight months, so at least one DST change
        // (late March, late October) falls between two of them whatever day the suite runs.
        world.post("/api/v1/deployments", """
                {"name": "bimonthly", "flowName": "bimonthly", "workPool": "idle", "entrypoint": {"command": ["true"]},
                 "schedules": [{"name": "every-other-month", "cron": "0 12 1 */2 *", "timezone": "Europe/Berlin"}]}""", 201);
        List<java.time.Instant> next = new java.util.ArrayList<>();
        world.get("/api/v1/deployments/bimonthly/schedules").get(0).path("next")
                .forEach(n -> next.add(java.time.Instant.parse(n.asText())));
        assertThat(next).hasSize(5);
        var rules = java.time.ZoneId.of("Europe/Berlin").getRules();
        List<Boolean> expected = new java.util.ArrayList<>();
        for (int i = 0; i < next.size(); i++) {
            expected.add(i > 0 && !rules.getOffset(next.get(i)).equals(rules.getOffset(next.get(i - 1))));
        }
        assertThat(expected).contains(true);

        open("/deployments/bimonthly");
        List<WebElement> items = await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.driver.findElements(By.cssSelector("#schedules .next-runs li")), l -> l.size() == 5);
        assertThat(items).extracting(li -> String.valueOf(li.getAttribute("class")).contains("dst")).isEqualTo(expected);
    }

    private static Set<String> shownRuns() {
        Set<String> ids = new HashSet<>();
        for (WebElement row : browser.driver.findElements(By.cssSelector("#runs-table tr[data-run-id]"))) {
            ids.add(row.getAttribute("data-run-id"));
        }
        return ids;
    }
}
