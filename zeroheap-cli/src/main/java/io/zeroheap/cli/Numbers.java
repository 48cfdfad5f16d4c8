package io.zeroheap.cli;

import java.util.Locale;

/** Number formatting shared by the terminal table and the HTML report; always {@link Locale#ROOT}. */
final class Numbers {

    private Numbers() {
    }

    /** Formats {@code value} with three significant digits, without exponent: 7.00 -> "7", 1.1749 -> "1.17", 704.6 -> "705". */
    static String threeDigits(double value) {
        double abs = Math.abs(value);
        String text;
        if (abs >= 100 || abs == 0) {
            text = String.format(Locale.ROOT, "%.0f", value);
        } else if (abs >= 10) {
            text = String.format(Locale.ROOT, "%.1f", value);
        } else {
            text = String.format(Locale.ROOT, "%.2f", value);
        }
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text;
    }

    /** Formats a ratio with two decimals below 10 (three below 0.01), one below 100, none above: 0.004, 0.11, 3.70, 13.6, 245. */
    static String ratio(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        if (value < 0.00995) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }

    /** Formats a rate per second with a metric prefix: 812, 12.3 k, 8.1 M. */
    static String rate(double perSecond) {
        if (perSecond >= 1e9) {
            return threeDigits(perSecond / 1e9) + " G";
        }
        if (perSecond >= 1e6) {
            return threeDigits(perSecond / 1e6) + " M";
        }
        if (perSecond >= 1e3) {
            return threeDigits(perSecond / 1e3) + " k";
        }
        return threeDigits(perSecond);
    }
}
