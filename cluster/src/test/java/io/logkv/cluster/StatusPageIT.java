package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page, in headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium) through nginx, on a sharded cluster (so the owner table is drawn too) whose nodes ask
 * for tokens: the page asks for one, then shows every node ready, and marks a node that is killed.
 * The screenshots go to results/ui/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String READER = "page-reader-token-0123456789";
  private static final String WRITER = "page-writer-token-0123456789";
  private static final String ADMIN = "page-admin-token-0123456789a";
  private LocalCluster cluster;
  private WebDriver browser;

  @BeforeAll
  void start(@TempDir Path profile) throws Exception {
    assertThat(CHROMIUM).as("Debian's chromium (.ci/run installs it)").isExecutable();
    assertThat(CHROMEDRIVER).as("Debian's chromium-driver (.ci/run installs it)").isExecutable();
    Path tokens = profile.resolve("tokens");
    Files.writeString(tokens, READER + " read\n" + WRITER + " write\n" + ADMIN + " admin\n");
    cluster = LocalCluster.builder().nodes(3).replicas(2).partitions(12).brokers(1)
        .nodeArgs(List.of("--auth-file=" + tokens)).build().start();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile.resolve("chromium"), "--window-size=1400,700");
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(driver, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(180)
  void statusPage_throughNginx_asksForAToken_showsEveryNodeReady_andMarksAKilledNode() throws Exception {
    for (int i = 0; i < 300; i++) {
      assertThat(Client.send("PUT", cluster.url() + "/keys/page-" + i, "value-" + i,
          Map.of("Authorization", "Bearer " + WRITER)).statusCode()).isEqualTo(200);
    }
    browser.get(cluster.url() + "/");
    // The page redraws its tables every refresh: an element found a moment ago may be gone, so
    // every look at the page is a wait that tries again on a stale element.
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
    // The page's files are open; its data needs a read token, which the page asks for.
    wait.until(b -> b.findElement(By.id("token-form")).isDisplayed());
    assertThat(rows(browser)).isEmpty();
    useToken(WRITER);
    wait.until(b -> b.findElement(By.id("token-error")).getText().equals("this token lacks the read role"));
    useToken("not-a-token-of-this-cluster");
    wait.until(b -> b.findElement(By.id("token-error")).getText().equals("this token is not known to the cluster"));
    useToken(READER);
    wait.until(b -> !b.findElement(By.id("token-form")).isDisplayed());
    wait.until(b -> rows(b).size() == 3 && rows(b).stream().allMatch(r -> "ready".equals(r.getAttribute("data-state"))));
    wait.until(b -> b.findElement(By.id("summary")).getText().equals("3 of 3 nodes ready"));
    assertThat(browser.getTitle()).isEqualTo("logkv cluster");
    assertThat(browser.findElements(By.cssSelector("#owners tbody tr"))).as("one row per partition").hasSize(12);
    wait.until(b -> b.findElement(By.id("mode")).getText().contains("sharded"));
    wait.until(b -> !row(b, "n1").findElements(By.tagName("td")).get(6).getText().equals("0")); // keys shown
    wait.until(b -> !row(b, "n1").findElements(By.tagName("td")).get(9).getText().equals("…")); // rates, 2nd sample
    screenshot("status-page.png");

    cluster.node(1).kill();
    wait.until(b -> "down".equals(row(b, "n2").getAttribute("data-state")));
    wait.until(b -> "ready".equals(row(b, "n1").getAttribute("data-state")));
    wait.until(b -> b.findElement(By.id("summary")).getText().equals("2 of 3 nodes ready"));
    screenshot("status-page-node-down.png");

    cluster.node(1).start().awaitReady(Duration.ofSeconds(90));
    wait.until(b -> "ready".equals(row(b, "n2").getAttribute("data-state")));
  }

  @Test
  @Timeout(60)
  void membersAgree_withoutATokenBetweenThem_butTheClusterTableNeedsOne() throws Exception {
    // Members compare their member lists at start through the open fingerprint route; the table
    // itself (member URLs, owners) is for read tokens.
    java.util.Set<String> fingerprints = new java.util.HashSet<>();
    for (NodeProcess node : cluster.nodes()) {
      HttpResponse<String> r = Client.get(node.url() + "/cluster/fingerprint");
      assertThat(r.statusCode()).isEqualTo(200);
      fingerprints.add(r.body());
      assertThat(Client.get(node.url() + "/cluster").statusCode()).isEqualTo(401);
      assertThat(Client.get(node.url() + "/cluster", Map.of("Authorization", "Bearer " + READER)).statusCode())
          .isEqualTo(200);
    }
    assertThat(fingerprints).hasSize(1);
    for (NodeProcess node : cluster.nodes()) {
      assertThat(Files.readString(cluster.logDir().resolve(node.id() + ".log"))).doesNotContain("not compared");
    }
  }

  private void useToken(String token) {
    WebElement input = browser.findElement(By.id("token"));
    input.clear();
    input.sendKeys(token);
    browser.findElement(By.cssSelector("#token-form button")).click();
  }

  private static List<WebElement> rows(WebDriver b) {
    return b.findElements(By.cssSelector("#nodes tbody tr"));
  }

  private static WebElement row(WebDriver b, String node) {
    return b.findElement(By.cssSelector("#nodes tbody tr[data-node='" + node + "']"));
  }

  private void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path dir = Path.of(System.getProperty("logkv.results", "../results")).resolve("ui");
    Files.createDirectories(dir);
    Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
