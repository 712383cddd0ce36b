package io.logkv.client;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) for the few small bodies the server sends, so that the client
 * needs no JSON library. Objects become {@code Map<String, Object>} (in order, duplicate names
 * refused), arrays {@code List<Object>}, strings {@code String}, whole numbers {@code Long} (or
 * {@code BigDecimal} beyond a long), other numbers {@code BigDecimal}, {@code true}/{@code false}
 * {@code Boolean}, and {@code null} {@code null}. Anything else, trailing content included, is a
 * {@link JsonException}. The typed accessors ({@link #string}, {@link #integer}, ...) throw the
 * same exception, naming the field, when a field is missing or of another type.
 */
final class Json {
  /** Nesting deeper than this is refused: the server's bodies are two levels deep. */
  static final int MAX_DEPTH = 64;

  private final String text;
  private int at;

  private Json(String text) {
    this.text = text;
  }

  /** A body that is not the JSON the client expects. */
  static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
      super(message);
    }
  }

  /** Parses one JSON value, with optional whitespace around it and nothing else. */
  static Object parse(String text) {
    Json p = new Json(text);
    p.skipWhitespace();
    Object value = p.value(0);
    p.skipWhitespace();
    if (p.at != text.length()) {
      throw p.error("unexpected content after the value");
    }
    return value;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new JsonException("expected a JSON object, got " + kind(v));
    }
    return (Map<String, Object>) v;
  }

  // ---- typed access

  static String string(Map<String, Object> o, String name) {
    return as(o, name, String.class, "a string");
  }

  /** The string field {@code name}, or null when it is absent or null. */
  static String optionalString(Map<String, Object> o, String name) {
    return o.get(name) == null ? null : string(o, name);
  }

  static boolean bool(Map<String, Object> o, String name) {
    return as(o, name, Boolean.class, "true or false");
  }

  static long integer(Map<String, Object> o, String name) {
    return as(o, name, Long.class, "a whole number");
  }

  @SuppressWarnings("unchecked")
  static List<Object> array(Map<String, Object> o, String name) {
    return as(o, name, List.class, "an array");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object v, String what) {
    if (!(v instanceof Map)) {
      throw new JsonException(what + " must be an object, not " + kind(v));
    }
    return (Map<String, Object>) v;
  }

  private static <T> T as(Map<String, Object> o, String name, Class<T> type, String expected) {
    if (!o.containsKey(name)) {
      throw new JsonException("field '" + name + "' is missing");
    }
    Object v = o.get(name);
    if (!type.isInstance(v)) {
      throw new JsonException("field '" + name + "' must be " + expected + ", not " + kind(v));
    }
    return type.cast(v);
  }

  static String kind(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof Map) {
      return "an object";
    } else if (v instanceof List) {
      return "an array";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Boolean) {
      return "a boolean";
    }
    return "a number";
  }

  // ---- parsing

  private Object value(int depth) {
    if (at >= text.length()) {
      throw error("a value is missing");
    }
    char c = text.charAt(at);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    at++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      at++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a field name in quotes");
      }
      String name = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object v = value(depth);
      if (map.containsKey(name)) {
        throw error("field '" + name + "' appears twice");
      }
      map.put(name, v);
      skipWhitespace();
      char c = peek();
      at++;
      if (c == '}') {
        return Collections.unmodifiableMap(map);
      }
      if (c != ',') {
        at--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    at++; // [
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      at++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth));
      skipWhitespace();
      char c = peek();
      at++;
      if (c == ']') {
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        at--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    at++; // "
    StringBuilder b = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(at++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        at--;
        throw error("unescaped control character in a string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (at >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> b.append(hex4());
        default -> {
          at--;
          throw error("unknown escape '\\" + printable(e) + "'");
        }
      }
    }
  }

  private char hex4() {
    if (at + 4 > text.length()) {
      throw error("incomplete \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(at + i), 16);
      if (d < 0) {
        throw error("bad \\u escape");
      }
      v = (v << 4) | d;
    }
    at += 4;
    return (char) v;
  }

  private Object number() {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    if (peek() == '0') {
      at++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        at++;
      }
    } else {
      throw error("a number needs digits");
    }
    boolean whole = true;
    if (peek() == '.') {
      whole = false;
      at++;
      if (!isDigit(peek())) {
        throw error("a fraction needs digits");
      }
      while (isDigit(peek())) {
        at++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      whole = false;
      at++;
      if (peek() == '+' || peek() == '-') {
        at++;
      }
      if (!isDigit(peek())) {
        throw error("an exponent needs digits");
      }
      while (isDigit(peek())) {
        at++;
      }
    }
    String literal = text.substring(start, at);
    if (whole) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException beyondLong) {
        return new BigDecimal(literal);
      }
    }
    return new BigDecimal(literal);
  }

  private void literal(String word) {
    if (!text.startsWith(word, at)) {
      throw error("unexpected token (expected '" + word + "')");
    }
    at += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    at++;
  }

  /** The next character, or 0 at the end (which no rule accepts). */
  private char peek() {
    return at < text.length() ? text.charAt(at) : 0;
  }

  private void skipWhitespace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private JsonException error(String what) {
    String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return new JsonException("not valid JSON at offset " + at + ": " + what + " in " + shown);
  }
}
