package io.zeroheap.netty.http;

import java.nio.charset.StandardCharsets;

/** The bytes the endpoints send and the probe posts: a body pattern, the secret, the buggy response's head. */
final class Bodies {

    /** The largest body, {@code /body/256k}. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    /** The buggy response's length: a 4 KiB buffer sent whole. */
    static final int BUGGY_BYTES = 4096;
    /** What {@code /buggy} writes before it sends all {@value #BUGGY_BYTES} bytes. */
    static final byte[] BUGGY_HEAD = "buggy-16-bytes:\n".getBytes(StandardCharsets.US_ASCII);
    /** A recognisable 4 KiB request body for {@code /secret}. */
    static final byte[] SECRET = repeat("TOP-SECRET-KEY!|", BUGGY_BYTES);

    private static final byte[] PATTERN = repeat("abcdefghijklmnopqrstuvwxyz0123456789\n", MAX_BODY_BYTES);

    private Bodies() {
    }

    /** Returns the body pattern, {@value #MAX_BODY_BYTES} bytes, shared: do not write into it. */
    static byte[] pattern() {
        return PATTERN;
    }

    /**
     * Returns the size in bytes that an endpoint's last path element names: {@code 1k},
     * {@code 16k} or {@code 256k}; -1 for anything else.
     */
    static int byteSize(String name) {
        return switch (name) {
            case "1k" -> 1024;
            case "16k" -> 16 * 1024;
            case "256k" -> 256 * 1024;
            default -> -1;
        };
    }

    private static byte[] repeat(String unit, int byteSize) {
        byte[] bytes = new byte[byteSize];
        byte[] u = unit.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < byteSize; i++) {
            bytes[i] = u[i % u.length];
        }
        return bytes;
    }
}
