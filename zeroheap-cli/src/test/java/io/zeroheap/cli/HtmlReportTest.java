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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The HTML report, parsed back as XML: every allocator, size, use mode, regime and thread count is in it, with a chart per table. */
class HtmlReportTest {

    private static final String SVG = "http://www.w3.org/2000/svg";

    private static final List<Long> SIZES = List.of(4096L, 65536L, 1L << 20, 8L << 20, 32L << 20);
    private static final List<Regime> REGIMES = List.of(Regime.SUSTAINED, Regime.burst(8, 0), Regime.burst(8, 2_000_000),
            Regime.burst(8, 20_000_000));
    private static final List<BufferUse> USES = List.of(BufferUse.FILL, BufferUse.PAGE);
    private static final List<Integer> THREADS = List.of(1, 2);
    private static final BenchPlan PLAN = Results.plan(SIZES, List.of(AllocatorKind.values()), USES, REGIMES, THREADS);
    private static final int CELLS = PLAN.cellCount();

    @TempDir
    Path dir;

    @Test
    void shouldHoldARowForEveryAllocatorSizeUseRegimeAndThreadCount() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);

        List<Element> rows = resultRows(file);

        assertThat(rows).hasSize(CELLS);
        for (AllocatorKind kind : AllocatorKind.values()) {
            for (long size : SIZES) {
                for (BufferUse use : USES) {
                    for (Regime regime : REGIMES) {
                        for (int threads : THREADS) {
                            List<Element> matching = rows.stream().filter(r -> r.getAttribute("data-allocator").equals(kind.id())
                                    && r.getAttribute("data-bytes").equals(String.valueOf(size))
                                    && r.getAttribute("data-use").equals(use.id())
                                    && r.getAttribute("data-regime").equals(regime.id())
                                    && r.getAttribute("data-gap-ms").equals(Numbers.threeDigits(regime.gapMillis()))
                                    && r.getAttribute("data-threads").equals(String.valueOf(threads))).toList();
                            assertThat(matching).as("%s, %s, %s, %s, %d threads", kind.id(), size, use.id(), regime.label(), threads)
                                    .hasSize(kind.supports(regime) ? 1 : 0)
                                    .allSatisfy(r -> assertThat(r.getTextContent()).startsWith(kind.label() + regime.label()));
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldDrawOneBarChartPerTableWithAPanelPerSizeAndABarPerRegime() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        Document document = parse(file);

        List<Element> svgs = charts(document, "ratio");
        assertThat(svgs).hasSize(USES.size() * THREADS.size());
        for (Element svg : svgs) {
            List<Element> panels = elements(svg.getElementsByTagNameNS(SVG, "g"));
            assertThat(panels).extracting(g -> g.getAttribute("data-size"))
                    .containsExactly("4 KiB", "64 KiB", "1 MiB", "8 MiB", "32 MiB");
            for (Element panel : panels) {
                List<Element> bars = elements(panel.getElementsByTagNameNS(SVG, "rect"));
                assertThat(bars).as("a bar per allocator and regime it runs in").hasSize(AllocatorKind.values().length * REGIMES.size() - 1);
                assertThat(bars).allSatisfy(bar -> assertThat(bar.getTextContent()).contains("x Arena.ofConfined()"));
            }
            assertThat(svg.getTextContent()).contains("log scale", "0.1x", "1x", "10x", "burst 8, gap 20 ms", "zeroheap newArena()");
        }
    }

    @Test
    void shouldPrintTheTerminalTableAndTheVerdictPerTableWithNumbersThatDoNotWrap() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        String html = Files.readString(file);
        Document document = parse(file);

        List<Element> matrices = elements(document.getElementsByTagName("table")).stream()
                .filter(t -> t.getAttribute("class").equals("matrix")).toList();
        assertThat(matrices).hasSize(USES.size() * THREADS.size());
        assertThat(matrices.getFirst().getTextContent()).contains("sustained", "burst 8, gap 2 ms", "÷ jdk", "÷ zh", "ops/s", "held",
                "bursts only");
        assertThat(elements(document.getElementsByTagName("ul")).stream().filter(u -> u.getAttribute("class").equals("verdict")))
                .hasSize(USES.size() * THREADS.size())
                .allSatisfy(u -> assertThat(u.getElementsByTagName("li").getLength()).isEqualTo(SIZES.size()));
        assertThat(html).contains("white-space: nowrap");
    }

    @Test
    void shouldBeSelfContainedAndEscapeWhatItQuotes() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench --report <a&b>.html"), file);
        String html = Files.readString(file);
        Document document = parse(file);

        assertThat(html.replace("http://www.w3.org/1999/xhtml", "").replace(SVG, ""))
                .as("no external resources").doesNotContain("http://", "https://", "<script src", "<link", "<img");
        assertThat(document.getDocumentElement().getTextContent()).contains("zeroheap bench --report <a&b>.html");
        Element json = byId(document, "results");
        assertThat(json.getTextContent()).contains("\\u003ca\\u0026b\\u003e.html").contains("\"allocator\":\"netty-stale\"")
                .contains("\"zeroed\":false").contains("\"floors\":\"memory from mmap");
        assertThat(json.getTextContent().split("\"allocator\":")).hasSize(CELLS + 1);
    }

    @Test
    void shouldGiveEveryJsonResultItsUseRegimeGapThreadsAndRatios() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);

        List<Map<String, String>> cells = jsonResults(file);

        assertThat(cells).hasSize(CELLS).allSatisfy(cell -> assertThat(cell)
                .containsKeys("use", "regime", "burst", "gapMillis", "threads", "ratioToJdk", "ratioToZeroheap"));
        assertThat(cells).filteredOn(c -> c.get("allocator").equals("floor-stale") && c.get("bytes").equals("65536")
                        && c.get("use").equals("page") && c.get("regime").equals("burst") && c.get("gapMillis").equals("20")
                        && c.get("threads").equals("2"))
                .singleElement().satisfies(c -> {
                    assertThat(c.get("burst")).isEqualTo("8");
                    assertThat(Double.parseDouble(c.get("ratioToJdk"))).isEqualTo((100 + 1024 * 12.0) / (100 + 1024 * 6), offset(1e-3));
                });
        assertThat(cells).filteredOn(c -> c.get("regime").equals("sustained"))
                .allSatisfy(c -> assertThat(c).containsEntry("gapMillis", "0").containsEntry("burst", "0"));
    }

    @Test
    void shouldDrawARatioBarPerAllocatorAndRegimeInEachSizesBandFromTheOneXLine() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        Document document = parse(file);
        BenchResults results = Results.of(PLAN, Results.P50.plausible());

        for (Element svg : charts(document, "ratio")) {
            for (Element band : elements(svg.getElementsByTagNameNS(SVG, "g"))) {
                long size = SIZES.get(List.of("4 KiB", "64 KiB", "1 MiB", "8 MiB", "32 MiB").indexOf(band.getAttribute("data-size")));
                List<Element> bars = elements(band.getElementsByTagNameNS(SVG, "rect"));
                for (Regime regime : REGIMES) {
                    assertThat(bars).filteredOn(b -> b.getAttribute("data-regime").equals(regime.key()))
                            .extracting(b -> b.getAttribute("data-allocator"))
                            .containsExactlyElementsOf(PLAN.allocators(regime).stream().map(AllocatorKind::id).toList());
                }
                Element bar = bars.stream().filter(b -> b.getAttribute("data-allocator").equals("floor-stale")
                        && b.getAttribute("data-regime").equals("sustained")).findFirst().orElseThrow();
                BenchResult floor = results.all().stream().filter(r -> r.allocator() == AllocatorKind.FLOOR_STALE
                        && r.byteSize() == size && r.regime() == Regime.SUSTAINED).findFirst().orElseThrow();
                assertThat(Double.parseDouble(bar.getAttribute("data-value"))).isEqualTo(results.ratioToJdk(floor), offset(1e-4));
                assertThat(texts(band)).as("value labels on the bars, the reference, a note where nothing ran")
                        .contains(Numbers.ratio(results.ratioToJdk(floor)) + "x", "1x (reference)", "bursts only");
                assertThat(elements(band.getElementsByTagNameNS(SVG, "line"))).as("a strong line at 1x in every panel")
                        .filteredOn(l -> l.getAttribute("stroke-width").equals("1.5")).hasSize(REGIMES.size());
            }
        }
    }

    @Test
    void shouldUseALinearScaleWhenTheRatiosSpanTenfoldOrLess() throws Exception {
        BenchPlan plan = Results.plan(List.of(4096L), List.of(AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.CONFINED_ARENA,
                AllocatorKind.NETTY_STALE), List.of(BufferUse.FILL), List.of(Regime.SUSTAINED), List.of(1));
        BenchReport report = new BenchReport(plan, Results.of(plan, (kind, cell) -> 100L * (kind.ordinal() + 1)), 17,
                ZonedDateTime.parse("2026-11-25T14:00:00Z"), 1, List.of(), "floors", "zeroheap bench");
        Path file = dir.resolve("linear.html");
        HtmlReport.write(report, file);

        Element svg = charts(parse(file), "ratio").getFirst();
        assertThat(svg.getTextContent()).contains("linear scale").doesNotContain("log scale");
        assertThat(texts(svg)).contains("0x", "0.5x", "1x", "1.5x", "0.17x", "1.50x");
    }

    @Test
    void shouldDrawTheMemoryHeldWithABarPerAllocatorThatHasAHeldFigureAndSayTheJdkArenasHoldNothingMeasurable() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        Document document = parse(file);

        List<Element> svgs = charts(document, "memory");
        assertThat(svgs).hasSize(USES.size() * THREADS.size());
        for (Element svg : svgs) {
            assertThat(svg.getTextContent()).contains("memory held", "log scale", "nothing measurable");
            List<Element> bands = elements(svg.getElementsByTagNameNS(SVG, "g"));
            assertThat(bands).extracting(g -> g.getAttribute("data-size")).containsExactly("4 KiB", "64 KiB", "1 MiB", "8 MiB", "32 MiB");
            for (int i = 0; i < bands.size(); i++) {
                long size = SIZES.get(i);
                List<Element> bars = elements(bands.get(i).getElementsByTagNameNS(SVG, "rect"));
                for (Regime regime : REGIMES) {
                    assertThat(bars).filteredOn(b -> b.getAttribute("data-regime").equals(regime.key()))
                            .as("a bar per allocator with a held figure (Results: all but the JDK arenas), %s", regime.label())
                            .extracting(b -> b.getAttribute("data-allocator"))
                            .containsExactlyElementsOf(PLAN.allocators(regime).stream()
                                    .filter(k -> k != AllocatorKind.CONFINED_ARENA && k != AllocatorKind.SHARED_ARENA)
                                    .map(AllocatorKind::id).toList());
                }
                assertThat(bars).allSatisfy(b -> assertThat(Double.parseDouble(b.getAttribute("data-value")))
                        .isEqualTo(4.0 * size, offset(size * 1e-4)));
                assertThat(texts(bands.get(i))).contains(ByteSizes.approximate(4 * size))
                        .filteredOn("nothing measurable"::equals).hasSize(2 * REGIMES.size());
            }
        }
    }

    @Test
    void shouldColourEveryAllocatorTheSameInEveryChartAndEachFamilyApart() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        Document document = parse(file);

        Map<String, Set<String>> fills = new LinkedHashMap<>();
        for (Element svg : elements(document.getElementsByTagNameNS(SVG, "svg"))) {
            for (Element bar : elements(svg.getElementsByTagNameNS(SVG, "rect"))) {
                if (bar.hasAttribute("data-allocator")) {
                    fills.computeIfAbsent(bar.getAttribute("data-allocator"), k -> new TreeSet<>()).add(bar.getAttribute("fill"));
                }
            }
        }
        assertThat(fills).hasSize(AllocatorKind.values().length).allSatisfy((id, colours) -> assertThat(colours).hasSize(1));
        assertThat(Set.of(HtmlReport.color(AllocatorKind.ZEROHEAP_ARENA), HtmlReport.color(AllocatorKind.CONFINED_ARENA),
                HtmlReport.color(AllocatorKind.NETTY_ZEROED), HtmlReport.color(AllocatorKind.FLOOR_LOCAL))).hasSize(4);
        assertThat(charts(document, "ratio").getFirst().getTextContent()).contains("zeroheap", "JDK", "Netty", "physical floors");
    }

    @Test
    void shouldKeepNumbersOnOneLineRightAlignedInTabularFiguresAndLetWideTablesScroll() throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(report("zeroheap bench"), file);
        String html = Files.readString(file);
        Document document = parse(file);

        String style = document.getElementsByTagName("style").item(0).getTextContent();
        assertThat(style).containsPattern("td\\.num \\{[^}]*white-space: nowrap")
                .containsPattern("td\\.num \\{[^}]*text-align: right")
                .containsPattern("td\\.num \\{[^}]*font-variant-numeric: tabular-nums")
                .containsPattern("\\.scroll \\{[^}]*overflow-x: auto");
        List<Element> tables = elements(document.getElementsByTagName("table")).stream()
                .filter(t -> t.getAttribute("class").equals("matrix") || t.getAttribute("class").equals("results")).toList();
        assertThat(tables).hasSize(2 * USES.size() * THREADS.size())
                .allSatisfy(t -> assertThat(((Element) t.getParentNode()).getAttribute("class")).isEqualTo("scroll"));
        Pattern number = Pattern.compile("^-?[0-9][0-9.]*([ \u00a0]?\\S+)?$");
        int numbers = 0;
        for (Element table : tables) {
            for (Element td : elements(table.getElementsByTagName("td"))) {
                String text = td.getTextContent();
                if (number.matcher(text).matches() && !td.hasAttribute("colspan")) { // a size row's heading is no number
                    numbers++;
                    assertThat(td.getAttribute("class").split(" ")).as("'%s'", text).contains("num");
                }
                if (td.getAttribute("class").contains("num")) {
                    assertThat(text).as("no breakable space in a number").doesNotContain(" ");
                }
            }
        }
        assertThat(numbers).isGreaterThan(CELLS * 10);
        assertThat(html).contains("<td class=\"num first\">");
    }

    private static List<Element> charts(Document document, String kind) {
        return elements(document.getElementsByTagNameNS(SVG, "svg")).stream()
                .filter(svg -> List.of(svg.getAttribute("class").split(" ")).contains(kind)).toList();
    }

    /** The text of every {@code <text>} element under {@code parent}, without the tooltips inside some. */
    private static List<String> texts(Element parent) {
        return elements(parent.getElementsByTagNameNS(SVG, "text")).stream()
                .map(t -> t.getFirstChild() == null ? "" : t.getFirstChild().getTextContent()).toList();
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
        return new BenchReport(PLAN, Results.of(PLAN, Results.P50.plausible()), 17, ZonedDateTime.parse("2026-11-25T14:00:00Z"),
                30_000_000_000L, List.of(new PlatformInfo.Fact("cpus", "2"), new PlatformInfo.Fact("memory source", "mmap")),
                "memory from mmap, transparent huge pages from 2 MiB, zeroed with memset (critical downcall)", commandLine);
    }
}
