package dev.banter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading request bodies and writing errors, on inputs the fuzzer found mishandled
 * (RestFuzzContract).
 */
class JsonTest {
  record Body(String body, Long seq, List<String> attachments) {}

  private static ApiError refusalOf(String json) {
    ApiError e =
        catchThrowableOfType(
            ApiError.class, () -> Json.read(json.getBytes(StandardCharsets.UTF_8), Body.class));
    assertThat(e).as("the refusal of %s", json).isNotNull();
    return e;
  }

  @Test
  void aLoneSurrogateInABodyIsABadRequestNamingTheField() {
    ApiError e = refusalOf("{\"body\":\"hi \\ud83d\"}");
    assertThat(e.code()).isEqualTo("bad_request");
    assertThat(e.details()).containsEntry("field", "body");
  }

  @Test
  void aNulInABodyIsABadRequestNamingTheField() {
    ApiError e = refusalOf("{\"attachments\":[\"a\\u0000b\"]}");
    assertThat(e.code()).isEqualTo("bad_request");
    assertThat(e.details().get("field").toString()).startsWith("attachments");
  }

  @Test
  void aNumberPastTheRangeOfALongIsABadRequestNamingTheField() {
    ApiError e = refusalOf("{\"seq\":99999999999999999999999}");
    assertThat(e.code()).isEqualTo("bad_request");
    assertThat(e.details()).containsEntry("field", "seq");
  }

  @Test
  void aKeyGivenTwiceIsABadRequest() {
    assertThat(refusalOf("{\"body\":\"a\",\"body\":\"b\"}").getMessage())
        .contains("Duplicate field 'body'");
  }

  @Test
  void deepNestingIsABadRequestNotAStackOverflow() {
    assertThat(refusalOf("{\"body\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}").code())
        .isEqualTo("bad_request");
  }

  @Test
  void anErrorMessageQuotingALoneSurrogateIsWrittenAsValidTextWithTheRestIntact() throws Exception {
    ApiError e = ApiError.badRequest("unexpected character ('\ud800')");
    String written = new String(Json.write(e.body()), StandardCharsets.UTF_8);
    Map<?, ?> error = (Map<?, ?>) new ObjectMapper().readValue(written, Map.class).get("error");
    assertThat(error.get("message")).isEqualTo("unexpected character ('\uFFFD')");
  }

  @Test
  void emojiAreWrittenAsTheyAre() {
    assertThat(new String(Json.write(Map.of("m", "ok 👍")), StandardCharsets.UTF_8))
        .isEqualTo("{\"m\":\"ok 👍\"}");
  }
}
