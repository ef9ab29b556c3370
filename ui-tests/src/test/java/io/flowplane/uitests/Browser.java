package io.flowplane.uitests;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Headless Chromium from Debian's packages, driven by its own chromedriver: both named by path so
 * Selenium Manager never tries to download a browser or driver (which cannot work here).
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("flowplane.ui.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("flowplane.ui.chromedriver", "/usr/bin/chromedriver"));
    static final String PACKAGES = "apt-get install -y chromium chromium-driver";

    final ChromeDriver driver;
    private final ChromeDriverService service;

    private Browser(ChromeDriver driver, ChromeDriverService service) {
        this.driver = driver;
        this.service = service;
    }

    /**
     * Under CI=true a missing browser fails the test (the CI script installs it); elsewhere the
     * browser tests are skipped with one line naming the packages.
     */
    static void assumeInstalled() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: the browser tests need Debian's chromium and chromium-driver (" + PACKAGES + ")");
        }
        Assumptions.assumeTrue(present, "browser tests skipped: no " + CHROMIUM + " / " + CHROMEDRIVER
                + "; install Debian's chromium and chromium-driver (" + PACKAGES + ")");
    }

    static Browser start(Path profileDir) throws IOException {
        assumeInstalled();
        Files.createDirectories(profileDir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profileDir.toAbsolutePath(), "--window-size=1440,1000", "--lang=en-GB");
        // The console is read back by consoleErrors(): a Content-Security-Policy refusal shows there.
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(driver, service);
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Console messages at SEVERE since the last call (script errors, refused resources, CSP violations). */
    java.util.List<String> consoleErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
    }

    /** The page as a PNG under target/ui-screenshots, and in the docs folder when one is named. */
    Path screenshot(String name) throws IOException {
        Path dir = Path.of(System.getProperty("flowplane.ui.screenshots", "target/ui-screenshots"));
        Files.createDirectories(dir);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = dir.resolve(name + ".png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("flowplane.ui.docsDir", "");
        if (!docs.isBlank() && !docs.startsWith("${")) {
            Path d = Path.of(docs);
            Files.createDirectories(d);
            Files.copy(target, d.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
