package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.FileChooser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Files from the composer: image thumbnails for sender and receiver, file chips that download. */
class WebAttachmentsTest extends WebRoomTestBase {
  static byte[] png(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 120, 220));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.ORANGE);
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void attach(Page page, FilePayload file) {
    FileChooser chooser = page.waitForFileChooser(() -> page.getByLabel("Attach files").click());
    chooser.setFiles(file);
  }

  static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  static void thumbnailLoaded(Page page, String text) {
    Locator img = message(page, text).locator("img.thumb");
    assertThat(img).hasCount(1);
    assertThat(img).hasAttribute("src", Pattern.compile("^blob:"));
    page.waitForFunction("e => e.complete && e.naturalWidth > 0", img.elementHandle());
  }

  @Test
  void anImageShowsAsAThumbnailForBothUsers() {
    Page a = open(alice);
    Page b = open(bob);
    attach(a, new FilePayload("sky.png", "image/png", png(400, 240)));
    Locator chip = a.locator("#attachments .chip");
    assertThat(chip).hasCount(1);
    assertThat(chip.locator(".chip-name")).hasText("sky.png");
    assertThat(chip.locator(".chip-size")).containsText("B");
    assertThat(a.locator("#attachments .chip.ready")).hasCount(1);
    a.locator("#input").fill("look at this");
    a.locator("#input").press("Enter");
    assertThat(chip).hasCount(0);
    thumbnailLoaded(a, "look at this");
    thumbnailLoaded(b, "look at this");
    assertThat(b.locator("#messages img[src*='token'], #messages img[src*='/api/']")).hasCount(0);
    // Clicking the thumbnail opens the full image (also fetched with the token).
    message(b, "look at this")
        .getByRole(
            AriaRole.BUTTON,
            new Locator.GetByRoleOptions().setName(Pattern.compile("^Open image sky.png")))
        .click();
    Locator full = b.locator("dialog[open] img.full-image");
    assertThat(full).isVisible();
    b.waitForFunction("e => e.complete && e.naturalWidth === 400", full.elementHandle());
    b.keyboard().press("Escape");
    assertThat(b.locator("dialog[open]")).hasCount(0);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aTextFileIsAChipThatDownloads() throws IOException {
    Page a = open(alice);
    Page b = open(bob);
    attach(
        a,
        new FilePayload(
            "notes.txt", "text/plain", "shopping list\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(a.locator("#attachments .chip.ready")).hasCount(1);
    // No text: the file names become the body.
    a.locator("#composer button[type=submit]").click();
    Locator chip = message(b, "notes.txt").locator(".file-chip");
    assertThat(chip).hasCount(1);
    assertThat(chip.locator(".chip-name")).hasText("notes.txt");
    assertThat(chip.locator(".chip-size")).hasText("14 B");
    assertThat(message(b, "notes.txt").locator("img.thumb")).hasCount(0);
    Download d = b.waitForDownload(chip::click);
    assertThat(d.suggestedFilename()).isEqualTo("notes.txt");
    assertThat(Files.readString(d.path())).isEqualTo("shopping list\n");
  }

  @Test
  void aPendingFileCanBeRemovedBeforeSending() {
    Page a = open(alice);
    attach(a, new FilePayload("oops.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)));
    assertThat(a.locator("#attachments .chip.ready")).hasCount(1);
    a.getByLabel("Remove oops.txt").click();
    assertThat(a.locator("#attachments .chip")).hasCount(0);
    a.locator("#input").fill("just text");
    a.locator("#input").press("Enter");
    assertThat(message(a, "just text")).hasCount(1);
    assertThat(message(a, "just text").locator(".attachments")).hasCount(0);
  }

  @Test
  void aPastedImageBecomesAChip() {
    Page a = open(alice);
    a.locator("#input")
        .evaluate(
            "(e, b64) => { const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));"
                + " const dt = new DataTransfer(); dt.items.add(new File([bytes], 'pasted.png', {type: 'image/png'}));"
                + " e.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})); }",
            Base64.getEncoder().encodeToString(png(64, 64)));
    assertThat(a.locator("#attachments .chip.ready .chip-name")).hasText("pasted.png");
    a.locator("#input").press("Enter");
    thumbnailLoaded(a, "pasted.png");
  }

  @Test
  void aFileDroppedOnTheMessagesBecomesAChip() {
    Page a = open(alice);
    a.locator(".timeline")
        .evaluate(
            "e => { const dt = new DataTransfer();"
                + " dt.items.add(new File(['dropped text'], 'dropped.txt', {type: 'text/plain'}));"
                + " e.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));"
                + " e.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true})); }");
    assertThat(a.locator("#attachments .chip.ready .chip-name")).hasText("dropped.txt");
  }
}
