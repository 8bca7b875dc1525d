package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.LoadState;
import org.junit.jupiter.api.Test;

/** Without BANTER_GUEST_ACCESS the sign-in screen offers no guest entry. */
class WebGuestDisabledTest extends WebTestBase {
  @Test
  void theGuestFormIsHiddenWhenTheServerRefusesGuests() {
    Page page = anonymousPage();
    assertThat(page.locator("#auth-title")).hasText("Sign in to Banter");
    page.waitForLoadState(LoadState.NETWORKIDLE);
    assertThat(page.locator("section.guest")).isHidden();
  }
}
