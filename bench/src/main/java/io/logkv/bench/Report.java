package io.logkv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The figures of one report run: the table's rows, the raw results behind them, and what was not
 * run and why. A figure whose tool is missing or whose run had errors still gets its row, saying
 * so, so that nothing is skipped in silence.
 */
final class Report {
  static final String MET = "met";
  static final String NOT_MET = "**not met**";
  static final String NOT_RUN = "NOT RUN";
  static final String INVALID = "INVALID";
  static final String SKIPPED = "SKIPPED";

  /** One line of the table. */
  record Row(String figure, String measured, String baseline, String ratio, String target, String met) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Object> raw = new LinkedHashMap<>();
  private final List<String> notRun = new ArrayList<>();
  private final List<String> invalid = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();
  private final Consumer<String> log;

  /** @param log where warnings go (the console) */
  Report(Consumer<String> log) {
    this.log = log;
  }

  void add(Row row) {
    rows.add(row);
  }

  /** A figure with a target, its ratio and the verdict. */
  void add(String figure, String measured, String baseline, double ratio, String target, boolean met) {
    rows.add(new Row(figure, measured, baseline, ratio(ratio), target, met(met)));
  }

  /** A figure that could not be measured because {@code missing} are not installed. */
  void notRun(String figure, List<Tool> missing, String target) {
    String why = Tool.notRun(missing);
    rows.add(new Row(figure, why, "", "", target, NOT_RUN));
    notRun.add(figure + ": " + why);
    log.accept("WARNING " + figure + ": " + why);
  }

  /** A figure whose run had errors: shown as invalid, with what went wrong, never quoted. */
  void invalid(String figure, String problems, String target) {
    rows.add(new Row(figure, INVALID + ": " + problems, "", "", target, INVALID));
    invalid.add(figure + ": " + problems);
    log.accept("WARNING " + figure + " is invalid: " + problems);
  }

  /** A figure this kind of run leaves out on purpose (e.g. --quick), with why and how to run it. */
  void skipped(String figure, String why) {
    rows.add(new Row(figure, SKIPPED + ": " + why, "", "", "", SKIPPED));
    skipped.add(figure + ": " + why);
  }

  void raw(String name, Object value) {
    raw.put(name, value);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  Map<String, Object> raw() {
    return raw;
  }

  List<String> notRun() {
    return List.copyOf(notRun);
  }

  List<String> invalid() {
    return List.copyOf(invalid);
  }

  List<String> skipped() {
    return List.copyOf(skipped);
  }

  /** The rows as a Markdown table. */
  String table() {
    StringBuilder md = new StringBuilder();
    md.append("| figure | measured | peer or ceiling, same run | ratio | target | met |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append("| ").append(r.figure()).append(" | ").append(r.measured()).append(" | ").append(r.baseline()).append(" | ")
          .append(r.ratio()).append(" | ").append(r.target()).append(" | ").append(r.met()).append(" |\n");
    }
    return md.toString();
  }

  static String met(boolean met) {
    return met ? MET : NOT_MET;
  }

  static String ratio(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
