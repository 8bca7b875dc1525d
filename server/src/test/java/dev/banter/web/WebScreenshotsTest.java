package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The screenshots of docs/web-client.md, taken of the real client in both languages: the sign-in
 * screen, a room with its members, a thread beside the room, and the room's settings. Every run
 * writes them to {@code target/screenshots/}; {@code -Dbanter.screenshots.update=true} also copies
 * them over {@code docs/screenshots/} (how the committed ones were made).
 */
class WebScreenshotsTest extends WebTestBase {
  private static final Path OUT = Path.of("target/screenshots");
  private static final Path DOCS = Path.of("../docs/screenshots");
  private static final int MAX_BYTES = 200_000;

  /** What the people in the pictures say, in the language of the picture. */
  private static final Map<String, List<String>> LINES =
      Map.of(
          "en",
          List.of(
              "Morning! The **release** is on Friday.",
              "Great, I will write the notes.",
              "Who reviews the migration?",
              "I can, after lunch.",
              "Thanks 🙌"),
          "ko",
          List.of(
              "좋은 아침이에요! **배포**는 금요일입니다.",
              "좋아요, 제가 릴리스 노트를 쓸게요.",
              "마이그레이션은 누가 검토하나요?",
              "점심 먹고 제가 할게요.",
              "고마워요 🙌"));

  private Account person(String name, String displayName) {
    Api.Reply r =
        api.post(
            "/api/v1/auth/register",
            Map.of("username", name, "password", "pw-" + name + "-long-enough"),
            null);
    assertThat(r.status()).as(r.json().toString()).isEqualTo(201);
    Account a = Api.account(r, "pw-" + name + "-long-enough");
    api.patch("/api/v1/users/me", Map.of("display_name", displayName), a.accessToken());
    return a;
  }

  private BrowserContext context(String lang) {
    return newContext(
        new Browser.NewContextOptions()
            .setViewportSize(1000, 640)
            .setLocale(lang.equals("ko") ? "ko-KR" : "en-US"));
  }

  private final List<Path> taken = new ArrayList<>();

  private void shoot(Page page, String lang, String screen) throws IOException {
    Files.createDirectories(OUT);
    Path file = OUT.resolve(screen + "-" + lang + ".png");
    page.mouse().move(0, 0); // no hover menus in the picture
    page.screenshot(new Page.ScreenshotOptions().setPath(file));
    byte[] png = Files.readAllBytes(file);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(png.length).as("%s is small enough to commit", file).isLessThan(MAX_BYTES);
    taken.add(file);
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ko"})
  void theMainScreensInEachLanguage(String lang) throws IOException {
    boolean ko = lang.equals("ko");
    Account mina = person("mina" + lang, ko ? "김미나" : "Mina");
    Account jun = person("jun" + lang, ko ? "이준" : "Jun");
    String room =
        api.post(
                "/api/v1/rooms",
                Map.of(
                    "name",
                    ko ? "출시-준비-" + lang : "launch-" + lang,
                    "topic",
                    ko ? "금요일 배포를 준비합니다" : "Getting Friday's release out"),
                mina.accessToken())
            .json()
            .get("id")
            .asText();
    api.invite(mina, room, jun);
    List<String> lines = LINES.get(lang);
    String root = api.say(mina, room, lines.get(0)).get("id").asText();
    api.say(jun, room, lines.get(1));
    api.post(
        "/api/v1/rooms/" + room + "/messages",
        Map.of("body", lines.get(2), "thread_id", root),
        jun.accessToken());
    api.post(
        "/api/v1/rooms/" + room + "/messages",
        Map.of("body", lines.get(3), "thread_id", root),
        mina.accessToken());
    api.say(jun, room, lines.get(4));

    Page signIn = context(lang).newPage();
    signIn.navigate("/");
    assertThat(signIn.locator("html")).hasAttribute("lang", lang);
    assertThat(signIn.locator("#auth")).isVisible();
    shoot(signIn, lang, "sign-in");

    Page page = signedIn(mina, context(lang));
    assertThat(page.locator("html")).hasAttribute("lang", lang);
    openRoom(page, room);
    Locator rootMessage =
        messages(page)
            .filter(new Locator.FilterOptions().setHasText(ko ? "배포" : "release"))
            .first();
    assertThat(rootMessage).isVisible();
    assertThat(messages(page)).hasCount(3);
    shoot(page, lang, "room");

    rootMessage.locator(".thread-summary").click();
    assertThat(page.locator("#thread-panel")).isVisible();
    assertThat(page.locator("#thread-messages li.msg")).hasCount(3); // the root, two replies
    shoot(page, lang, "thread");

    page.locator("#room-settings").click();
    assertThat(page.locator("dialog[open]")).isVisible();
    shoot(page, lang, "room-settings");

    if (Boolean.getBoolean("banter.screenshots.update")) {
      Files.createDirectories(DOCS);
      for (Path p : taken) {
        Files.copy(p, DOCS.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    taken.clear();
  }
}
