package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTML report, parsed back as XML: every allocator, size, regime and touch mode is in it, with charts. */
class HtmlReportTest {

    private static final List<Long> SIZES = List.of(4096L, 65536L, 1L << 20, 8L << 20, 32L << 20);

    @TempDir
    Path dir;

    @Test
    void shouldHoldARowForEveryAllocatorSizeRegimeAndTouchMode() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);

        List<Element> rows = resultRows(file);

        assertThat(rows).hasSize(AllocatorKind.values().length * SIZES.size() * 2 * 2);
        for (AllocatorKind kind : AllocatorKind.values()) {
            for (long size : SIZES) {
                for (String regime : List.of("burst", "sustained")) {
                    for (String touch : List.of("touched", "untouched")) {
                        assertThat(rows).filteredOn(r -> r.getAttribute("data-allocator").equals(kind.id())
                                        && r.getAttribute("data-bytes").equals(String.valueOf(size))
                                        && r.getAttribute("data-regime").equals(regime)
                                        && r.getAttribute("data-touch").equals(touch))
                                .singleElement()
                                .satisfies(r -> assertThat(r.getTextContent()).startsWith(kind.label()));
                    }
                }
            }
        }
    }

    @Test
    void shouldDrawTwoLogScaleChartsPerSectionWithEveryAllocatorAndSize() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        Document document = parse(file);

        NodeList svgs = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
        assertThat(svgs.getLength()).isEqualTo(2 * 4);
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            Set<String> series = elements(svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g")).stream()
                    .map(g -> g.getAttribute("data-allocator")).collect(Collectors.toSet());
            assertThat(series).containsExactlyInAnyOrder(
                    java.util.Arrays.stream(AllocatorKind.values()).map(AllocatorKind::label).toArray(String[]::new));
            String text = svg.getTextContent();
            assertThat(text).contains("log scale").contains("4 KiB", "64 KiB", "1 MiB", "8 MiB", "32 MiB");
        }
        assertThat(svgs.item(0).getTextContent()).contains("100 ns").contains("1 µs").contains("10 ms");
        assertThat(svgs.item(1).getTextContent()).contains("1x").contains("10x");
    }

    @Test
    void shouldBeSelfContainedAndEscapeWhatItQuotes() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench --report <a&b>.html"), file);
        String html = Files.readString(file);
        Document document = parse(file);

        assertThat(html.replace("http://www.w3.org/1999/xhtml", "").replace("http://www.w3.org/2000/svg", ""))
                .as("no external resources").doesNotContain("http://", "https://", "<script src", "<link", "<img");
        assertThat(document.getDocumentElement().getTextContent()).contains("zeroheap bench --report <a&b>.html");
        Element json = byId(document, "results");
        assertThat(json.getTextContent()).contains("\\u003ca\\u0026b\\u003e.html").contains("\"allocator\":\"netty-stale\"")
                .contains("\"zeroed\":false");
        assertThat(json.getTextContent().split("\"allocator\":")).hasSize(AllocatorKind.values().length * SIZES.size() * 4 + 1);
    }

    /** The result rows of a report file, parsed as XML. */
    static List<Element> resultRows(Path file) throws Exception {
        Document document = parse(file);
        List<Element> rows = new ArrayList<>();
        for (Element table : elements(document.getElementsByTagName("table"))) {
            if (table.getAttribute("class").equals("results")) {
                rows.addAll(elements(table.getElementsByTagName("tr")).stream().filter(r -> r.hasAttribute("data-allocator")).toList());
            }
        }
        return rows;
    }

    /** The raw results of a report file: one map per cell, from the JSON element's flat objects (values unquoted). */
    static List<Map<String, String>> jsonResults(Path file) throws Exception {
        String json = byId(parse(file), "results").getTextContent();
        List<Map<String, String>> cells = new ArrayList<>();
        Matcher object = Pattern.compile("\\{(\"allocator\"[^{}]*)}").matcher(json);
        while (object.find()) {
            Map<String, String> cell = new LinkedHashMap<>();
            Matcher field = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,]+)").matcher(object.group(1));
            while (field.find()) {
                String value = field.group(2);
                cell.put(field.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
            cells.add(cell);
        }
        return cells;
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static Element byId(Document document, String id) {
        return elements(document.getElementsByTagName("script")).stream()
                .filter(e -> e.getAttribute("id").equals(id)).findFirst().orElseThrow();
    }

    private static List<Element> elements(NodeList nodes) {
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    /** A report with made-up, plausible numbers for every cell. */
    private static BenchReport report(String commandLine) {
        BenchPlan plan = new BenchPlan(SIZES, List.of(AllocatorKind.values()), List.of(Regime.values()),
                List.of(TouchMode.values()), AllocatorKind.ZEROHEAP_ARENA, 16, 1, 1, 1, 1, 0);
        List<BenchResult> results = new ArrayList<>();
        for (Regime regime : Regime.values()) {
            for (TouchMode touch : TouchMode.values()) {
                for (AllocatorKind kind : AllocatorKind.values()) {
                    for (long size : SIZES) {
                        long p50 = 100 + size / 64 * (kind.ordinal() + 1);
                        results.add(new BenchResult(kind, regime, touch, size, 1000, p50, 3 * p50, 5 * p50, 9 * p50, 1.2 * p50,
                                1e9 / p50, kind.isZeroheap() ? 4 * size : -1));
                    }
                }
            }
        }
        return new BenchReport(plan, results, 17, ZonedDateTime.parse("2026-11-25T14:00:00Z"), 30_000_000_000L,
                List.of(new PlatformInfo.Fact("cpus", "2"), new PlatformInfo.Fact("memory source", "mmap")), commandLine);
    }
}
