package io.zeroheap.cli;

/** Whether {@code zeroheap bench} writes into each buffer it gets. */
public enum TouchMode implements Choice {
    /** One {@code long} written per 4 KiB page: every page dirty, as after real use. */
    TOUCHED("touched", true),
    /** Nothing written: a pooling allocator gets its chunk back clean. */
    UNTOUCHED("untouched", false);

    private final String id;
    private final boolean touch;

    TouchMode(String id, boolean touch) {
        this.id = id;
        this.touch = touch;
    }

    @Override
    public String id() {
        return id;
    }

    /** Whether to write. */
    public boolean touch() {
        return touch;
    }
}
