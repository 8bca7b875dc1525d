package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Languages (#21): the page follows the browser's language (Korean for a ko-KR browser, English
 * otherwise), the switch in the profile and on the sign-in card keeps a choice across reloads,
 * dates, times and sizes are formatted by Intl in the chosen language, both catalogues have the
 * same keys, and a Korean page shows none of the English catalogue's strings.
 */
class WebLanguagesTest extends WebRoomTestBase {
  /** Every English string of the catalogue (4 characters or more, not the same in Korean). */
  private static final String ENGLISH_LEFT =
      """
      async (names) => {
        const { EN } = await import('/js/strings.js');
        const { KO } = await import('/js/strings-ko.js');
        const english = [];
        const walk = (en, ko) => {
          for (const [k, v] of Object.entries(en)) {
            if (typeof v === 'string') { if (v.length >= 4 && v !== ko[k]) english.push(v); }
            else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, ko[k] || {});
          }
        };
        walk(EN, KO);
        // words only the English functions put around their parameters, and Intl's English
        english.push('Today', 'Yesterday', ' AM', ' PM', 'replies', 'last reply', 'Seen by',
          'Pinned by', 'pinned by', 'Message #', 'is typing', ' unread', ' members');
        const texts = [document.body.innerText];
        for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
          for (const a of ['aria-label', 'title', 'placeholder']) {
            if (el.hasAttribute(a)) texts.push(el.getAttribute(a));
          }
        }
        const all = texts.join('\\n');
        // and any Latin word at all, once the names of people and rooms and the few words that
        // stay as they are (the product, "English" in the switch, key names) are taken out
        let rest = all;
        for (const n of names) rest = rest.split(n).join(' ');
        // a session's device is its user agent as sent (data, like a name)
        for (const el of document.querySelectorAll('.session-device')) {
          rest = rest.split(el.textContent).join(' ');
        }
        const words = (rest.match(/[A-Za-z]{2,}/g) || [])
          .filter((w) => !['Banter', 'English', 'Enter', 'Esc', 'Ctrl', 'general', 'https', 'HTTP'].includes(w));
        return [...english.filter((e) => all.includes(e)), ...new Set(words)];
      }
      """;

  private BrowserContext korean() {
    return newContext(
        new Browser.NewContextOptions().setViewportSize(1280, 800).setLocale("ko-KR"));
  }

  private static Page.GetByRoleOptions named(String name) {
    return new Page.GetByRoleOptions().setName(name).setExact(true);
  }

  @Test
  void aKoreanBrowserGetsTheSignInScreenAndTheChatInKorean() {
    Page page = korean().newPage();
    page.navigate("/");
    assertThat(page.locator("html")).hasAttribute("lang", "ko");
    assertThat(page.locator("#auth-title")).hasText("Banter에 로그인");
    assertThat(page.getByRole(AriaRole.BUTTON, named("로그인"))).isVisible();
    assertThat(page.getByLabel("언어")).hasValue("ko");

    String name = Api.uniqueName("kim");
    page.getByText("계정이 없나요? 새로 만들기").click();
    assertThat(page.locator("#auth-title")).hasText("계정 만들기");
    page.getByLabel("사용자 이름").fill(name);
    page.getByLabel("비밀번호").fill("충분히 긴 비밀번호입니다");
    page.getByRole(AriaRole.BUTTON, named("계정 만들기")).click();

    assertThat(page.locator("#room-name")).hasText("# general");
    assertThat(page.locator("#conn")).hasText("연결됨");
    assertThat(page.locator("#sidebar h2.section").first()).hasText("채널");
    assertThat(page.locator("#btn-create")).hasText("+ 방 만들기");
    assertThat(page.locator("#btn-signout")).hasText("로그아웃");
    assertThat(page.locator("#input")).hasAttribute("placeholder", "#general에 메시지 보내기");
    assertThat(page.locator("#composer button[type=submit]")).hasText("보내기");

    page.locator("#input").fill("안녕하세요, 여러분");
    page.locator("#input").press("Enter");
    Locator mine = messages(page).filter(new Locator.FilterOptions().setHasText("안녕하세요, 여러분"));
    assertThat(mine).hasCount(1);

    // the day separator and the time, as Intl writes them in Korean in this browser
    String today =
        (String)
            page.evaluate(
                "new Intl.RelativeTimeFormat('ko', { numeric: 'auto' }).format(0, 'day')");
    assertThat(today).isEqualTo("오늘");
    assertThat(page.locator("#messages li.day-sep").last()).hasText(today);
    Locator time = mine.locator("time");
    String expected =
        (String)
            time.evaluate(
                "el => new Intl.DateTimeFormat('ko', { hour: '2-digit', minute: '2-digit' })"
                    + ".format(new Date(el.getAttribute('datetime')))");
    assertThat(expected).containsPattern("오전|오후");
    assertThat(time).hasText(expected);
    String full =
        (String)
            time.evaluate(
                "el => new Intl.DateTimeFormat('ko', { dateStyle: 'full', timeStyle: 'short' })"
                    + ".format(new Date(el.getAttribute('datetime')))");
    assertThat(time).hasAttribute("title", full);

    // an older day and a size, through the page's own helpers
    @SuppressWarnings("unchecked")
    List<String> helpers =
        (List<String>)
            page.evaluate(
                """
                async () => {
                  const { dayLabel } = await import('/js/dom.js');
                  const { humanSize } = await import('/js/files.js');
                  const iso = '2025-03-01T12:00:00Z';
                  return [dayLabel(iso), new Intl.DateTimeFormat('ko', { weekday: 'long',
                    year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso)),
                    humanSize(1468006), humanSize(812)];
                }
                """);
    assertThat(helpers.get(0)).isEqualTo(helpers.get(1)).contains("2025년").contains("요일");
    assertThat(helpers.get(2)).isEqualTo("1.4MB");
    assertThat(helpers.get(3)).isEqualTo("812B");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void anEnglishBrowserGetsEnglishAndTheProfileSwitchTurnsItKoreanForGood() {
    Page page = signedIn(alice);
    assertThat(page.locator("html")).hasAttribute("lang", "en");
    assertThat(page.locator("#conn")).hasText("Connected");
    assertThat(page.locator("#btn-signout")).hasText("Sign out");
    assertThat(page.locator("#sidebar h2.section").first()).hasText("Channels");
    @SuppressWarnings("unchecked")
    List<String> sizes =
        (List<String>)
            page.evaluate(
                "async () => { const { humanSize } = await import('/js/files.js');"
                    + " return [humanSize(1468006), humanSize(812)]; }");
    assertThat(sizes).containsExactly("1.4 MB", "812 B");

    page.locator("#btn-profile").click();
    Locator select = page.locator("dialog").getByLabel("Language");
    assertThat(select).hasValue("en");
    assertThat(select.locator("option")).hasText(new String[] {"English", "한국어"});
    select.selectOption("ko"); // stores the choice and reloads

    assertThat(page.locator("html")).hasAttribute("lang", "ko");
    assertThat(page.locator("#conn")).hasText("연결됨");
    assertThat(page.locator("#btn-signout")).hasText("로그아웃");
    assertThat(page.locator("#sidebar h2.section").first()).hasText("채널");
    assertThat(page.evaluate("localStorage.getItem('banter.lang')")).isEqualTo("ko");

    page.reload();
    assertThat(page.locator("#conn")).hasText("연결됨");
    assertThat(page.locator("html")).hasAttribute("lang", "ko");
    page.locator("#btn-profile").click();
    assertThat(page.locator("dialog h2")).hasText("내 프로필");
    assertThat(page.locator("dialog").getByLabel("언어")).hasValue("ko");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void theSignInCardSwitchesLanguageBeforeSigningIn() {
    Page page = anonymousPage();
    assertThat(page.locator("#auth-title")).hasText("Sign in to Banter");
    page.locator(".auth-card").getByLabel("Language").selectOption("ko");
    assertThat(page.locator("#auth-title")).hasText("Banter에 로그인");
    assertThat(page.locator("html")).hasAttribute("lang", "ko");
    assertThat(page.getByRole(AriaRole.BUTTON, named("로그인"))).isVisible();
    page.locator(".auth-card").getByLabel("언어").selectOption("en");
    assertThat(page.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(page.locator("html")).hasAttribute("lang", "en");
  }

  @Test
  void bothCataloguesHaveTheSameKeysOfTheSameKinds() {
    Page page = anonymousPage();
    @SuppressWarnings("unchecked")
    Map<String, Object> result =
        (Map<String, Object>)
            page.evaluate(
                """
                async () => {
                  const { EN } = await import('/js/strings.js');
                  const { KO } = await import('/js/strings-ko.js');
                  const problems = [];
                  let keys = 0;
                  const kind = (v) => (Array.isArray(v) ? 'array' : typeof v);
                  const cmp = (en, ko, path) => {
                    for (const [k, v] of Object.entries(en)) {
                      keys += 1;
                      if (!Object.hasOwn(ko, k)) { problems.push(`missing ${path}${k}`); continue; }
                      const w = ko[k];
                      if (kind(v) !== kind(w)) problems.push(`type of ${path}${k}`);
                      else if (typeof v === 'function' && v.length !== w.length) {
                        problems.push(`parameters of ${path}${k}`);
                      } else if (typeof v === 'string' && !w) problems.push(`empty ${path}${k}`);
                      else if (kind(v) === 'object') cmp(v, w, `${path}${k}.`);
                    }
                    for (const k of Object.keys(ko)) {
                      if (!Object.hasOwn(en, k)) problems.push(`not in English: ${path}${k}`);
                    }
                  };
                  cmp(EN, KO, '');
                  return { problems, keys };
                }
                """);
    assertThat((List<?>) result.get("problems")).isEmpty();
    assertThat(((Number) result.get("keys")).intValue()).isGreaterThan(300);
  }

  @Test
  void aKoreanPageShowsNoEnglishFromTheCatalogue() {
    JsonNode root = api.say(bob, room, "금요일에 배포할까요?");
    for (String body : List.of("네, 리뷰 끝나고요", "좋아요")) {
      Api.expect(
          api.post(
              "/api/v1/rooms/" + room + "/messages",
              Map.of("body", body, "thread_id", root.get("id").asText()),
              alice.accessToken()),
          201);
    }
    api.say(alice, room, "회의는 3시입니다");
    Page page = signedIn(alice, korean());
    openRoom(page, room);
    assertThat(messages(page)).hasCount(2);
    Locator summary = page.locator("#messages .thread-summary");
    assertThat(summary.locator(".thread-count")).hasText("답글 2개");
    assertThat(summary.locator(".thread-last")).containsText("마지막 답글 오늘");
    summary.click();
    assertThat(page.locator("#thread-panel")).isVisible();
    assertThat(page.locator("#thread-messages li.msg")).hasCount(3);
    assertThat(page.locator("#members .member")).hasCount(2);
    messages(page).last().hover();
    assertNoEnglish(page, "the room with a thread open");

    page.locator("#btn-profile").click();
    assertThat(page.locator("dialog")).isVisible();
    assertNoEnglish(page, "the profile dialog");
    page.keyboard().press("Escape");
    assertThat(page.locator("dialog")).hasCount(0);

    page.locator("#room-settings").click();
    assertThat(page.locator("dialog")).isVisible();
    assertNoEnglish(page, "the room settings");
    page.keyboard().press("Escape");
    assertThat(page.locator("dialog")).hasCount(0);

    page.locator("#btn-create").click();
    assertThat(page.locator("dialog h2")).hasText("방 만들기");
    assertNoEnglish(page, "the create-room dialog");
    page.keyboard().press("Escape");

    page.locator("#btn-browse").click();
    assertThat(page.locator("dialog .result").first()).isVisible();
    assertNoEnglish(page, "the public rooms");
    page.keyboard().press("Escape");

    page.locator("#notify-toggle").click();
    assertThat(page.locator("#notify-menu")).isVisible();
    assertNoEnglish(page, "the notification menu");
    page.keyboard().press("Escape");

    page.locator("#btn-threads").click();
    assertThat(page.locator("#threads-list li")).hasCount(1);
    assertNoEnglish(page, "the followed threads");
    page.locator("#threads-close").click();

    page.keyboard().press("Control+k");
    assertThat(page.locator("dialog.switcher")).isVisible();
    assertNoEnglish(page, "the quick switcher");
    page.keyboard().press("Escape");

    page.locator("#search-input").fill("회의는");
    page.locator("#search-input").press("Enter");
    assertThat(page.locator("#search-status")).not().hasText("검색 중…");
    assertNoEnglish(page, "the search results");
    page.locator("#search-close").click();

    page.locator("#toggle-pins").click();
    assertThat(page.locator("#pins-status")).hasText("이 방에는 아직 고정된 메시지가 없습니다.");
    assertNoEnglish(page, "the pins panel");
    assertThat(pageErrors).isEmpty();
  }

  private void assertNoEnglish(Page page, String where) {
    List<String> names =
        List.of(
            alice.username(),
            bob.username(),
            api.get("/api/v1/rooms/" + room, alice.accessToken()).json().get("name").asText());
    @SuppressWarnings("unchecked")
    List<String> left = (List<String>) page.evaluate(ENGLISH_LEFT, names);
    assertThat(left).as("English left on %s", where).isEmpty();
  }
}
