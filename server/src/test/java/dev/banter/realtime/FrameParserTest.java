package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/**
 * The frame decoder on inputs the fuzzer found it mishandled (FrameParserFuzzTest), one behaviour
 * each.
 */
class FrameParserTest {

  private static FrameParser.Invalid refusalOf(String frame) {
    FrameParser.Invalid refusal =
        catchThrowableOfType(FrameParser.Invalid.class, () -> FrameParser.parse(frame));
    assertThat(refusal).as("the refusal of %s", frame).isNotNull();
    return refusal;
  }

  @Test
  void aLoneSurrogateInAFieldIsABadRequestNamingTheField() {
    FrameParser.Invalid refusal =
        refusalOf(
            "{\"type\":\"send_message\",\"ref\":\"a1\",\"room_id\":\"r1\",\"body\":\"hi \\ud800\",\"client_id\":\"c1\"}");
    assertThat(refusal.error.code()).isEqualTo("bad_request");
    assertThat(refusal.error.details()).containsEntry("field", "body");
    assertThat(refusal.ref).isEqualTo("a1");
  }

  @Test
  void aNulInAFieldIsABadRequestNotAFailureOfTheDatabase() {
    FrameParser.Invalid refusal =
        refusalOf(
            "{\"type\":\"send_message\",\"room_id\":\"r1\",\"body\":\"a\\u0000b\",\"client_id\":\"c1\"}");
    assertThat(refusal.error.code()).isEqualTo("bad_request");
    assertThat(refusal.error.details()).containsEntry("field", "body");
  }

  @Test
  void aLoneSurrogateInAnAttachmentIsABadRequest() {
    FrameParser.Invalid refusal =
        refusalOf(
            "{\"type\":\"send_message\",\"room_id\":\"r1\",\"body\":\"hi\","
                + "\"client_id\":\"c1\",\"attachments\":[\"\\udc00\"]}");
    assertThat(refusal.error.details()).containsEntry("field", "attachments");
  }

  @Test
  void aRefWithALoneSurrogateIsRefusedAndNotEchoed() {
    FrameParser.Invalid refusal = refusalOf("{\"type\":\"ping\",\"ref\":\"\\ud800\"}");
    assertThat(refusal.ref).isNull();
    assertThat(refusal.error.details()).containsEntry("field", "ref");
  }

  @Test
  void aDuplicateKeyIsABadRequest() {
    FrameParser.Invalid refusal = refusalOf("{\"type\":\"ping\",\"type\":\"send_message\"}");
    assertThat(refusal.error.code()).isEqualTo("bad_request");
    assertThat(refusal.error.getMessage()).contains("Duplicate field 'type'");
  }

  @Test
  void tenThousandLevelsOfNestingAreABadRequestNotAStackOverflow() {
    assertThat(refusalOf("[".repeat(10_000)).error.code()).isEqualTo("bad_request");
    assertThat(
            refusalOf("{\"type\":\"ping\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")
                .error
                .code())
        .isEqualTo("bad_request");
  }

  @Test
  void numbersPastALongAreABadRequestNamingTheField() {
    for (String seq : new String[] {"1e999999", "99999999999999999999999", "1.5"}) {
      FrameParser.Invalid refusal =
          refusalOf("{\"type\":\"read\",\"room_id\":\"r1\",\"seq\":" + seq + "}");
      assertThat(refusal.error.code()).as(seq).isEqualTo("bad_request");
      assertThat(refusal.error.details()).as(seq).containsEntry("field", "seq");
    }
  }

  @Test
  void aNumberOfThousandsOfDigitsIsABadRequestWithoutBeingRead() {
    FrameParser.Invalid refusal =
        refusalOf("{\"type\":\"read\",\"room_id\":\"r1\",\"seq\":1" + "0".repeat(5000) + "}");
    assertThat(refusal.error.code()).isEqualTo("bad_request");
    assertThat(refusal.error.getMessage()).contains("Number value length");
  }
}
