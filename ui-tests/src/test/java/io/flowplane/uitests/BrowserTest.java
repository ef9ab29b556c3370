package io.flowplane.uitests;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * What the browser test classes share: a {@link UiWorld} (control plane and agent) and one headless
 * Chromium per class, and the waits every page interaction needs (pages render asynchronously and
 * live refreshes replace elements).
 */
abstract class BrowserTest {
    @TempDir
    static Path dir;
    static UiWorld world;
    static Browser browser;

    @BeforeAll
    static void startWorldAndBrowser() throws Exception {
        Browser.assumeInstalled();
        world = UiWorld.start(dir);
        browser = Browser.start(dir.resolve("chromium-profile"));
    }

    @AfterAll
    static void stopWorldAndBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (world != null) {
            world.close();
            world = null;
        }
    }

    /** A fresh session on the sign-in page: no key kept from the previous test. */
    static void signedOut() {
        browser.driver.get(world.url());
        browser.js("sessionStorage.clear()");
        browser.driver.navigate().refresh();
    }

    static void signIn(String key) {
        WebElement input = waitFor(By.id("api-key"));
        input.sendKeys(key);
        browser.driver.findElement(By.id("login-submit")).click();
        waitFor(By.id("who-role"));
    }

    static void open(String hash) {
        browser.driver.get(world.url() + "#" + hash);
    }

    static WebElement waitFor(By by) {
        return waitForIn(browser, by);
    }

    static WebElement waitForIn(Browser b, By by) {
        return await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> b.driver.findElement(by), WebElement::isDisplayed);
    }

    /** Clicks the element, finding it again if a live refresh replaced it between find and click. */
    static void click(By by) {
        await().atMost(Duration.ofSeconds(15)).ignoreException(StaleElementReferenceException.class)
                .until(() -> {
                    waitFor(by).click();
                    return true;
                });
    }

    static String text(By by) {
        return browser.driver.findElement(by).getText();
    }
}
