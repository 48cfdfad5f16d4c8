package io.zeroheap.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with aligned columns: a header, a rule under it, rows, and blank rows as
 * group separators. The first column is left-aligned, the others right-aligned. Not thread-safe.
 */
public final class TerminalTable {

    private static final String GAP = "  ";

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these column headers. */
    public TerminalTable(String... header) {
        this.header = List.of(header);
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException if it has more cells than the header
     */
    public TerminalTable row(String... cells) {
        if (cells.length > header.size()) {
            throw new IllegalArgumentException("cells: " + cells.length + " (expected: <= " + header.size() + ")");
        }
        String[] padded = Arrays.copyOf(cells, header.size());
        Arrays.setAll(padded, i -> padded[i] == null ? "" : padded[i]);
        rows.add(List.of(padded));
        return this;
    }

    /** Adds an empty row, to separate groups. */
    public TerminalTable blank() {
        rows.add(List.of());
        return this;
    }

    /** Renders the table, one line per row, each ending in a newline; no trailing spaces. */
    public String render() {
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                if (!row.isEmpty()) {
                    widths[c] = Math.max(widths[c], row.get(c).length());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        int total = Arrays.stream(widths).sum() + GAP.length() * (widths.length - 1);
        out.append("-".repeat(total)).append('\n');
        for (List<String> row : rows) {
            if (row.isEmpty()) {
                out.append('\n');
            } else {
                line(out, row, widths);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            if (c > 0) {
                line.append(GAP);
            }
            line.append(c == 0 ? cell + pad : pad + cell);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
