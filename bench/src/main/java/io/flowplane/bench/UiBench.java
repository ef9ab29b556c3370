package io.flowplane.bench;

import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The web UI's runs page with many runs stored: from navigating to {@code #/runs} to its first
 * page of 50 rows on screen, in Debian's headless Chromium (the same browser the UI tests use),
 * cold (first visit after sign-in) and warm, and loaded afresh (navigation start to the rows, the
 * whole app's start included). Also the two REST reads the page makes, timed from
 * Java, to say where the time goes.
 */
final class UiBench {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private UiBench() {
    }

    static void run(Path dir, int runs, int repeats) throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            Out.info("ui: skipped, no %s / %s (apt-get install -y chromium chromium-driver)", CHROMIUM, CHROMEDRIVER);
            return;
        }
        try (BenchControlPlane cp = BenchControlPlane.start(dir.resolve("cp"))) {
            Setup.pool(cp, "ui-bench");
            Setup.deployment(cp, "ui-bench", "ui-bench", Setup.NOOP, "");
            long t0 = System.nanoTime();
            for (int done = 0; done < runs; done += 10_000) {
                Setup.runs(cp, "ui-bench", Math.min(10_000, runs - done));
            }
            Out.info("ui: %d runs stored in %.1f s (no agent: they stay Scheduled)", runs, (System.nanoTime() - t0) / 1e9);
            double[] list = new double[repeats];
            double[] counts = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long s = System.nanoTime();
                cp.call("GET", "/api/v1/flow-runs?limit=50", null);
                list[i] = (System.nanoTime() - s) / 1e6;
                s = System.nanoTime();
                cp.call("GET", "/api/v1/run-stats/counts", null);
                counts[i] = (System.nanoTime() - s) / 1e6;
            }
            Out.metric("ui_rest_runs_page_p50_ms", Out.percentile(list, 50), "ms");
            Out.metric("ui_rest_run_counts_p50_ms", Out.percentile(counts, 50), "ms");
            browse(cp, dir, repeats);
        }
    }

    private static void browse(BenchControlPlane cp, Path dir, int repeats) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")).toAbsolutePath(), "--window-size=1440,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(5));
            driver.get(cp.restUrl() + "/#/dashboard");
            wait.until(d -> d.findElement(By.id("api-key"))).sendKeys(BenchControlPlane.ADMIN_KEY);
            driver.findElement(By.id("login-submit")).click();
            wait.until(d -> d.findElement(By.id("who-role")));
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                driver.get(cp.restUrl() + "/#/dashboard");
                wait.until(d -> d.findElement(By.cssSelector("#activity-chart svg")));
                long s = System.nanoTime();
                driver.executeScript("location.hash = '#/runs'");
                wait.until(d -> d.findElements(By.cssSelector("#runs-table tbody tr[data-run-id]")).size() == 50
                        && !d.findElements(By.cssSelector("#state-counts .chip-btn")).isEmpty());
                ms[i] = (System.nanoTime() - s) / 1e6;
                Out.info("ui: runs page %d: first page on screen after %.0f ms", i + 1, ms[i]);
            }
            Out.metric("ui_runs_first_page_cold_ms", ms[0], "ms");
            double[] warm = java.util.Arrays.copyOfRange(ms, 1, ms.length);
            Out.metric("ui_runs_first_page_p50_ms", Out.percentile(warm.length == 0 ? ms : warm, 50), "ms");
            Out.metric("ui_runs_first_page_max_ms", java.util.Arrays.stream(ms).max().orElse(Double.NaN), "ms");
            // A fresh page load of #/runs (a bookmark, a reload): navigation start to the first page on
            // screen, as the browser's clock measures it, so the app's own modules and the sign-in check count too.
            double[] load = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                driver.get("about:blank");
                driver.get(cp.restUrl() + "/#/runs");
                wait.until(d -> d.findElements(By.cssSelector("#runs-table tbody tr[data-run-id]")).size() == 50
                        && !d.findElements(By.cssSelector("#state-counts .chip-btn")).isEmpty());
                load[i] = ((Number) driver.executeScript("return performance.now()")).doubleValue();
                Out.info("ui: runs page loaded afresh %d: first page on screen %.0f ms after navigation start", i + 1, load[i]);
            }
            Out.metric("ui_runs_page_load_p50_ms", Out.percentile(load, 50), "ms");
            Out.metric("ui_runs_page_load_max_ms", java.util.Arrays.stream(load).max().orElse(Double.NaN), "ms");
        } finally {
            driver.quit();
            service.stop();
        }
    }
}
