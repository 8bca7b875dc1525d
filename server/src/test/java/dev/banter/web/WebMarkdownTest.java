package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Message bodies in the safe Markdown subset of SPEC §8 (js/markdown.js): a table of bodies and the
 * DOM each becomes, a standard list of XSS vectors that must all render inert, and the other places
 * a body is shown (edits, reply quotes, pending sends, search hits).
 */
class WebMarkdownTest extends WebRoomTestBase {
  /** A body and the {@code innerHTML} of its rendered {@code .body}; {@code {me}} is the reader. */
  record Row(String body, String html) {}

  static Row row(String body, String html) {
    return new Row(body, html);
  }

  static final String LINK_ATTRS = "rel=\"noopener noreferrer\" target=\"_blank\"";

  static String link(String href, String text) {
    return "<a href=\"" + href + "\" " + LINK_ATTRS + ">" + text + "</a>";
  }

  static final List<Row> TABLE =
      List.of(
          // each element of the subset
          row("plain words", "<p>plain words</p>"),
          row("*em* and _em_", "<p><em>em</em> and <em>em</em></p>"),
          row(
              "**strong** and __strong__",
              "<p><strong>strong</strong> and <strong>strong</strong></p>"),
          row("~~gone~~ but ~one~ stays", "<p><s>gone</s> but ~one~ stays</p>"),
          row("run `ls -la` now", "<p>run <code>ls -la</code> now</p>"),
          row("``a ` b``", "<p><code>a ` b</code></p>"),
          row("```\nfenced\n  indented\n```", "<pre><code>fenced\n  indented</code></pre>"),
          row("```js\nlet x = 1;\n```", "<pre><code>let x = 1;</code></pre>"),
          row("```\nnever closed", "<pre><code>never closed</code></pre>"),
          row("> quoted\n> twice", "<blockquote><p>quoted\ntwice</p></blockquote>"),
          row("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
          row("* star\n* list", "<ul><li>star</li><li>list</li></ul>"),
          row("1. first\n2. second", "<ol><li>first</li><li>second</li></ol>"),
          row("3. three\n4. four", "<ol start=\"3\"><li>three</li><li>four</li></ol>"),
          row(
              "see https://example.com/a?b=1&c=2.",
              "<p>see "
                  + link("https://example.com/a?b=1&amp;c=2", "https://example.com/a?b=1&amp;c=2")
                  + ".</p>"),
          row(
              "(http://example.org/x)",
              "<p>(" + link("http://example.org/x", "http://example.org/x") + ")</p>"),
          row(
              "HTTPS://EXAMPLE.COM/Up",
              "<p>" + link("https://example.com/Up", "HTTPS://EXAMPLE.COM/Up") + "</p>"),
          row(
              "https://xn--pple-43d.com/ as written",
              "<p>"
                  + link("https://xn--pple-43d.com/", "https://xn--pple-43d.com/")
                  + " as written</p>"),
          row("ping @someone_else.", "<p>ping <span class=\"mention\">@someone_else</span>.</p>"),
          row("ping @{me}", "<p>ping <span class=\"mention mention-me\">@{me}</span></p>"),
          row("mail a@b.example", "<p>mail a@b.example</p>"),
          row(
              ":tada: :+1::fire: :no_such_code:",
              "<p><span class=\"emoji\" title=\":tada:\">🎉</span> <span class=\"emoji\" title=\":+1:\">👍</span>"
                  + "<span class=\"emoji\" title=\":fire:\">🔥</span> :no_such_code:</p>"),
          row("at 12:30:00", "<p>at 12:30:00</p>"),
          row("line one\nline two", "<p>line one\nline two</p>"),
          row("hard  \nbreak", "<p>hard<br>break</p>"),
          row("para one\n\npara two", "<p>para one</p><p>para two</p>"),
          // nested
          row("***both***", "<p><em><strong>both</strong></em></p>"),
          row("~~**struck bold**~~", "<p><s><strong>struck bold</strong></s></p>"),
          row(
              "- **bold _and em_**\n  > quoted in a list\n- `code` item",
              "<ul><li><strong>bold <em>and em</em></strong><blockquote><p>quoted in a list</p></blockquote></li>"
                  + "<li><code>code</code> item</li></ul>"),
          row(
              "> - a list in a quote\n> - with ~~strike~~",
              "<blockquote><ul><li>a list in a quote</li><li>with <s>strike</s></li></ul></blockquote>"),
          row("- outer\n  - inner", "<ul><li>outer<ul><li>inner</li></ul></li></ul>"),
          row(
              "**https://example.com/in-bold**",
              "<p><strong>"
                  + link("https://example.com/in-bold", "https://example.com/in-bold")
                  + "</strong></p>"),
          // markdown is not read inside code
          row(
              "`**not bold** @bob :tada: https://x.example`",
              "<p><code>**not bold** @bob :tada: https://x.example</code></p>"),
          row(
              "```\n@bob :tada: <b>x</b> https://example.com\n```",
              "<pre><code>@bob :tada: &lt;b&gt;x&lt;/b&gt; https://example.com</code></pre>"),
          // outside the subset: shown as written
          row("# not a heading", "<p># not a heading</p>"),
          row("---", "<p>---</p>"),
          row("    four spaces", "<p>four spaces</p>"),
          row("| a | b |\n|---|---|", "<p>| a | b |\n|---|---|</p>"),
          row(
              "[named](https://example.com)",
              "<p>[named](" + link("https://example.com/", "https://example.com") + ")</p>"),
          row("www.example.com and example.com", "<p>www.example.com and example.com</p>"),
          row("<b>raw</b> &amp; &lt;", "<p>&lt;b&gt;raw&lt;/b&gt; &amp;amp; &amp;lt;</p>"),
          row("\\*escaped\\* snake_case_name", "<p>*escaped* snake_case_name</p>"),
          row("> ".repeat(30) + "too deep", "<p>" + "&gt; ".repeat(30) + "too deep</p>"));

  /** Opens the room as {@code who}, watching for CSP violations from the first script on. */
  Page reader(Account who, boolean bypassCsp) {
    BrowserContext c =
        newContext(
            new Browser.NewContextOptions().setViewportSize(1280, 800).setBypassCSP(bypassCsp));
    c.addInitScript(
        "window.cspViolations = []; document.addEventListener('securitypolicyviolation',"
            + " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
    Page page = signedIn(who, c);
    openRoom(page, room);
    return page;
  }

  static List<String> dialogs(Page page) {
    List<String> seen = new CopyOnWriteArrayList<>();
    page.onDialog(
        d -> {
          seen.add(d.message());
          d.dismiss();
        });
    return seen;
  }

  static Locator message(Page page, String id) {
    return page.locator("#messages li.msg[data-id='" + id + "']");
  }

  @Test
  void eachBodyRendersAsTheTableSays() {
    List<String> ids = new ArrayList<>();
    for (Row r : TABLE) {
      ids.add(api.say(alice, room, r.body().replace("{me}", bob.username())).get("id").asText());
    }
    Page page = reader(bob, false);
    assertThat(messages(page)).hasCount(TABLE.size());
    @SuppressWarnings("unchecked")
    List<String> rendered =
        (List<String>)
            page.evaluate(
                "ids => ids.map(id => document.querySelector("
                    + "`#messages li[data-id=\"${CSS.escape(id)}\"] .body`).innerHTML)",
                ids);
    SoftAssertions soft = new SoftAssertions();
    for (int i = 0; i < TABLE.size(); i++) {
      Row r = TABLE.get(i);
      soft.assertThat(rendered.get(i))
          .as("body %s", r.body())
          .isEqualTo(r.html().replace("{me}", bob.username()));
    }
    soft.assertAll();
    assertThat((List<?>) page.evaluate("() => window.cspViolations")).isEmpty();
    assertThat(pageErrors).isEmpty();
  }

  /**
   * Script tags, event-handler attributes, SVG and MathML, javascript:/data:/vbscript: links in
   * every spelling, entities, link titles with quotes, and markdown wrapped around or inside all of
   * them.
   */
  static final List<String> VECTORS =
      List.of(
          "<script>alert('xss1')</script>",
          "<img src=x onerror=alert('xss2')>",
          "<svg onload=alert('xss3')>",
          "<svg><script>alert('xss4')</script></svg>",
          "<iframe src=\"javascript:alert('xss5')\"></iframe>",
          "<body onload=alert('xss6')>",
          "<a href=\"javascript:alert('xss7')\">click</a>",
          "[click](javascript:alert('xss8'))",
          "[click](JAVASCRIPT:alert('xss9'))",
          "[click](java&#x09;script:alert('xss10'))",
          "[click](  javascript:alert('xss11')  )",
          "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzMTInKTwvc2NyaXB0Pg==)",
          "<javascript:alert('xss13')>",
          "<data:text/html,<script>alert('xss14')</script>>",
          "javascript:alert('xss15')",
          "JaVaScRiPt:alert('xss16')",
          "java\tscript:alert('xss17')",
          "https://example.com/\"><script>alert('xss18')</script>",
          "https://example.com/' onmouseover='alert(19)' x='",
          "http://example.com/<img src=x onerror=alert('xss20')>",
          "![x](javascript:alert('xss21'))",
          "![x](https://example.com/x.png\" onerror=\"alert('xss22'))",
          "[x](https://example.com \"title\\\" onmouseover=\\\"alert('xss23')\")",
          "[x]: javascript:alert('xss24')\n\n[x]",
          "&lt;script&gt;alert('xss25')&lt;/script&gt;",
          "&#60;img src=x onerror=alert('xss26')&#62;",
          "`<img src=x onerror=alert('xss27')>`",
          "```html\n<script>alert('xss28')</script>\n```",
          "**<img src=x onerror=alert('xss29')>**",
          "*[x](javascript:alert('xss30'))*",
          "[**x**](javascript:alert('xss31'))",
          "[x](<javascript:alert('xss32')>)",
          "<math><mi xlink:href=\"javascript:alert('xss33')\">x</mi></math>",
          "<style>@import 'javascript:alert(\"xss34\")';</style>",
          "<object data=\"data:text/html,<script>alert('xss35')</script>\"></object>",
          "<div style=\"background:url(javascript:alert('xss36'))\">x</div>",
          ":tada:<script>alert('xss37')</script>@<img src=x onerror=alert('xss38')>",
          "<<script>script>alert('xss39')<</script>/script>",
          "<details open ontoggle=alert('xss40')>",
          "data:text/html,<script>alert('xss41')</script>",
          "vbscript:msgbox(\"xss42\")",
          "<a href=\"&#106;avascript:alert('xss43')\">x</a>",
          "> <img src=x onerror=alert('xss44')>\n> - <svg onload=alert('xss45')>",
          "- [x](javascript:alert('xss46'))\n- <b onmouseover=alert('xss47')>b</b>",
          "~~<input autofocus onfocus=alert('xss48')>~~",
          "<form action=\"javascript:alert('xss49')\"><button>x</button></form>",
          "https://example.com/?q=<script>alert('xss50')</script>&x=\"y\"");

  static final String INERT_CHECK =
      """
      () => {
        const allowedTags = new Set(['P', 'BR', 'STRONG', 'EM', 'S', 'CODE', 'PRE', 'BLOCKQUOTE',
          'UL', 'OL', 'LI', 'A', 'SPAN']);
        const allowedAttrs = new Set(['class', 'href', 'rel', 'target', 'title', 'start']);
        const problems = [];
        for (const el of document.querySelectorAll('#messages .body *')) {
          if (!allowedTags.has(el.tagName)) problems.push('element ' + el.outerHTML);
          for (const a of el.attributes) {
            if (!allowedAttrs.has(a.name)) problems.push('attribute ' + a.name + ' on ' + el.outerHTML);
          }
        }
        for (const el of document.querySelectorAll('#messages *')) {
          for (const a of el.attributes) {
            if (a.name.startsWith('on')) problems.push('handler ' + a.name + ' on ' + el.outerHTML);
          }
        }
        for (const el of document.querySelectorAll(
            '#messages :is(script, iframe, object, embed, svg, math, style, base, form, input, img:not(.avatar))')) {
          problems.push('forbidden ' + el.outerHTML);
        }
        for (const a of document.querySelectorAll('#messages a')) {
          const protocol = new URL(a.href, location.href).protocol;
          if (protocol !== 'https:' && protocol !== 'http:') problems.push('href ' + a.outerHTML);
          if (a.getAttribute('rel') !== 'noopener noreferrer') problems.push('rel ' + a.outerHTML);
          if (a.getAttribute('target') !== '_blank') problems.push('target ' + a.outerHTML);
        }
        return problems;
      }
      """;

  /**
   * The page's CSP is switched off here, so that this tests the renderer alone: with the CSP an
   * injected handler would be refused anyway (that wall is StaticFilesTest's).
   */
  @Test
  void everyVectorOfAStandardXssListRendersInert() {
    Page page = reader(bob, true);
    List<String> dialogs = dialogs(page);
    for (String v : VECTORS) {
      api.say(alice, room, v); // live, while the page is open
    }
    assertThat(messages(page)).hasCount(VECTORS.size());
    // a mouse or focus handler, had one been let in, gets its chance
    page.evaluate(
        "() => document.querySelectorAll('#messages .body *').forEach(e => {"
            + " e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
            + " e.dispatchEvent(new FocusEvent('focus')); })");
    @SuppressWarnings("unchecked")
    List<String> problems = (List<String>) page.evaluate(INERT_CHECK);
    assertThat(problems).isEmpty();
    assertThat(page.locator("#messages a")).not().hasCount(0); // the https URLs did become links
    // raw HTML shows as text
    assertThat(page.locator("#messages .body").first()).hasText("<script>alert('xss1')</script>");
    // a dialog of the page's own, after everything above: any the markup opened came first
    page.evaluate("() => alert('probe')");
    assertThat(dialogs).containsExactly("probe");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void anEditIsRenderedTheSameWayForBothUsers() {
    String id = api.say(alice, room, "first draft").get("id").asText();
    Page a = reader(alice, false);
    Page b = reader(bob, false);
    assertThat(message(b, id).locator(".body")).hasText("first draft");
    Api.expect(
        api.patch(
            "/api/v1/rooms/" + room + "/messages/" + id,
            Map.of("body", "now **bold** and <img src=x onerror=alert(1)>"),
            alice.accessToken()),
        200);
    for (Page p : List.of(a, b)) {
      Locator body = message(p, id).locator(".body");
      assertThat(body.locator("strong")).hasText("bold");
      // "(edited)" ends the paragraph rather than standing on a line of its own
      assertThat(body.locator("p .edited")).hasText("(edited)");
      assertThat(body).hasText("now bold and <img src=x onerror=alert(1)> (edited)");
      assertThat(body.locator("img")).hasCount(0);
    }
  }

  @Test
  void aPendingSendIsRenderedAsTheStoredMessageWillBe() {
    Page a = reader(alice, false);
    a.locator("#input").fill("sending **this** `now`");
    a.locator("#input").press("Enter");
    Locator mine =
        a.locator("#messages li.msg")
            .filter(new Locator.FilterOptions().setHasText("sending this now"));
    assertThat(mine).hasCount(1);
    assertThat(mine.locator(".body strong")).hasText("this");
    assertThat(mine.locator(".body code")).hasText("now");
    assertThat(a.locator("#messages li.msg.pending")).hasCount(0);
  }

  @Test
  void aReplyQuotesItsParentAsPlainText() {
    String parent = api.say(alice, room, "**what** time is `lunch`? :tada:").get("id").asText();
    Api.expect(
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", "noon", "reply_to", parent),
            bob.accessToken()),
        201);
    Page a = reader(alice, false);
    Locator quote = a.locator("#messages .reply-quote .reply-snippet");
    assertThat(quote).hasText("what time is lunch? 🎉");
    assertThat(quote.locator("*")).hasCount(0);
    assertThat(message(a, parent).locator(".body strong")).hasText("what");
  }

  @Test
  void aSearchHitShowsTheBodyAsWrittenWithTheWordMarked() {
    String id = api.say(alice, room, "the **zebrafish** swims in `code`").get("id").asText();
    Page b = reader(bob, false);
    b.locator("#search-input").fill("zebrafish");
    b.locator("#search-input").press("Enter");
    Locator hit = b.locator("#search-results .search-hit");
    assertThat(hit).hasCount(1);
    assertThat(hit.locator(".search-snippet")).hasText("the **zebrafish** swims in `code`");
    assertThat(hit.locator("mark")).hasText("zebrafish");
    assertThat(hit.locator("strong, code")).hasCount(0);
    hit.click();
    assertThat(message(b, id).locator(".body strong")).hasText("zebrafish");
  }

  @Test
  void aLongCodeBlockScrollsSidewaysInsideTheMessage() {
    String id =
        api.say(alice, room, "```\n" + "wide_line_".repeat(60) + "\nshort\n```").get("id").asText();
    Page b = reader(bob, false);
    Locator pre = message(b, id).locator(".body pre");
    assertThat(pre).hasCount(1);
    assertThat(pre).hasCSS("overflow-x", "auto");
    assertThat(pre).hasCSS("white-space", "pre");
    assertThat(pre).hasCSS("font-family", Pattern.compile("monospace"));
    assertThat(pre.evaluate("e => e.scrollWidth > e.clientWidth")).isEqualTo(true);
    assertThat(
            pre.evaluate(
                "e => e.getBoundingClientRect().right"
                    + " <= document.getElementById('messages').getBoundingClientRect().right"))
        .isEqualTo(true);
    assertThat(b.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
        .isEqualTo(true);
    assertThat(message(b, id).locator(".body code").evaluate("e => getComputedStyle(e).fontFamily"))
        .asString()
        .contains("monospace");
  }
}
