package dev.banter.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * The one JSON mapper: snake_case fields, strict types (a number is not a string, a string is not a
 * boolean), unknown fields ignored so clients may be newer than the server, and input that readers
 * disagree on refused (a key given twice). Request bodies are read stricter still: their text must
 * be storable as it is ({@link #isStorable}).
 */
public final class Json {
  public static final ObjectMapper MAPPER = build();
  private static final ObjectMapper REQUESTS =
      build()
          .registerModule(
              new SimpleModule("storable-text").addDeserializer(String.class, new StorableText()));

  private Json() {}

  private static ObjectMapper build() {
    JsonMapper mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(
                JsonWriteFeature
                    .COMBINE_UNICODE_SURROGATES_IN_UTF8) // emoji as UTF-8 bytes, not escaped
            // surrogate pairs
            .enable(
                StreamReadFeature
                    .STRICT_DUPLICATE_DETECTION) // {"type":"a","type":"b"} means what each reader
            // likes
            .build();
    // Deliberate limits (requests are at most 1 MiB, frames 64 KiB, so strings need none of their
    // own):
    // no API value nests deeper than a few levels, no number has more digits than a long.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxNumberLength(100)
                .maxNameLength(1000)
                .build());
    for (LogicalType type :
        new LogicalType[] {
          LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer, LogicalType.Float
        }) {
      mapper
          .coercionConfigFor(type)
          .setCoercion(
              CoercionInputShape.Integer,
              type == LogicalType.Integer || type == LogicalType.Float
                  ? CoercionAction.TryConvert
                  : CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.Float,
              type == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.Boolean,
              type == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.String,
              type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.EmptyString,
              type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
    }
    return mapper;
  }

  /**
   * Parses {@code bytes} as a {@code type}; a malformed or wrongly typed body is a 400 naming the
   * field.
   */
  public static <T> T read(byte[] bytes, Class<T> type) {
    if (bytes == null || bytes.length == 0) {
      throw ApiError.badRequest("a JSON body is required");
    }
    try {
      T value = REQUESTS.readValue(bytes, type);
      if (value == null) {
        throw ApiError.badRequest("the body must be a JSON object");
      }
      return value;
    } catch (MismatchedInputException e) {
      String field = fieldOf(e);
      throw field.isEmpty()
          ? ApiError.badRequest("the body must be a JSON object")
          : ApiError.badRequest("field '" + field + "' has the wrong type", field);
    } catch (JsonMappingException e) {
      // a value its field cannot hold: a number past the range of a long, text that is not storable
      String field = fieldOf(e);
      throw field.isEmpty()
          ? ApiError.badRequest("malformed JSON: " + e.getOriginalMessage())
          : ApiError.badRequest(
              "field '" + field + "' is invalid: " + e.getOriginalMessage(), field);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * True when {@code s} can be stored and sent as it is: no NUL (PostgreSQL's text cannot hold it)
   * and no unpaired UTF-16 surrogate (it has no UTF-8 form: a database stores '?', and the JSON
   * writer garbles it with the next character).
   */
  public static boolean isStorable(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c) || c == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Strings as Jackson reads them, refusing what is not {@link #isStorable} (a \\u0000 or \\ud800
   * escape).
   */
  private static final class StorableText extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String s = super.deserialize(p, ctxt);
      if (s != null && !isStorable(s)) {
        throw JsonMappingException.from(p, "text with NUL or an unpaired UTF-16 surrogate");
      }
      return s;
    }
  }

  private static String fieldOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
