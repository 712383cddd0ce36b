package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.client.Json.JsonException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void parse_theServersBodies() {
    assertThat(Json.parseObject("{\"position\":\"3:1207\",\"applied\":true}"))
        .containsExactly(Map.entry("position", "3:1207"), Map.entry("applied", true));
    Map<String, Object> error = Json.parseObject(
        "{\"error\":\"log_unavailable\",\"detail\":\"no ack within 2000 ms\",\"outcome\":\"unknown\"}");
    assertThat(Json.string(error, "outcome")).isEqualTo("unknown");
    Map<String, Object> page = Json.parseObject("{\"keys\":[\"a\",\"b\"],\"next\":null}");
    assertThat(Json.array(page, "keys")).containsExactly("a", "b");
    assertThat(Json.optionalString(page, "next")).isNull();
    Map<String, Object> ttl = Json.parseObject("{\"position\":\"0:5\",\"expires_at\":1767225600000,\"applied\":false}");
    assertThat(Json.integer(ttl, "expires_at")).isEqualTo(1767225600000L);
    assertThat(Json.bool(ttl, "applied")).isFalse();
  }

  @Test
  void parse_everyKindOfValue_withWhitespace() {
    Object v = Json.parse(" \n\t{ \"a\" : [ 1 , -2.5e3 , true , false , null , \"x\" , { } , [ ] ] }\r\n");
    assertThat(v).isEqualTo(Map.of("a", Arrays.asList(1L, new BigDecimal("-2.5e3"), true, false, null, "x",
        Map.of(), List.of())));
  }

  @Test
  void numbers_wholeAreLongs_othersBigDecimals() {
    assertThat(Json.parse("0")).isEqualTo(0L);
    assertThat(Json.parse("-0")).isEqualTo(0L);
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("9223372036854775808")).isEqualTo(new BigDecimal("9223372036854775808"));
    assertThat(Json.parse("0.5")).isEqualTo(new BigDecimal("0.5"));
    assertThat(Json.parse("1E+2")).isEqualTo(new BigDecimal("1E+2"));
  }

  @Test
  void strings_escapesAndUnicode() {
    assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t");
    assertThat(Json.parse("\"\\u00e9\\u00E9\"")).isEqualTo("éé");
    assertThat(Json.parse("\"\\ud83d\\ude00 😀\"")).isEqualTo("😀 😀");
    assertThat(Json.parse("\"ключ\"")).isEqualTo("ключ");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "-", "1.", ".5", "1e", "+1",
      "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"tab\there\"", "tru", "nul", "True", "{\"a\":1} x",
      "[1] [2]", "{\"a\":1,\"a\":2}", "[1 2]", "NaN", "Infinity", "\"\\\"",
  })
  void parse_refusesWhatIsNotStrictJson(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(JsonException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void parse_refusesDeepNesting() {
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class).hasMessageContaining("nested");
    String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(Json.parse(fine)).isInstanceOf(List.class);
  }

  @Test
  void typedAccess_namesTheField() {
    Map<String, Object> o = Json.parseObject("{\"n\":\"1\",\"s\":2,\"z\":null}");
    assertThatThrownBy(() -> Json.integer(o, "n")).hasMessageContaining("'n' must be a whole number, not a string");
    assertThatThrownBy(() -> Json.string(o, "s")).hasMessageContaining("'s' must be a string, not a number");
    assertThatThrownBy(() -> Json.string(o, "missing")).hasMessageContaining("'missing' is missing");
    assertThatThrownBy(() -> Json.string(o, "z")).hasMessageContaining("not null");
    assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("expected a JSON object");
  }
}
