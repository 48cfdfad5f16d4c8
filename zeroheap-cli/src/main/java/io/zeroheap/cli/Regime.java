package io.zeroheap.cli;

/** How {@code zeroheap bench} paces its operations. */
public enum Regime implements Choice {
    /** Short bursts of buffers one after the other, idle time in between (the worker catches up). */
    BURST("burst"),
    /** One buffer after the other in a tight loop: the worker races the allocating thread. */
    SUSTAINED("sustained");

    private final String id;

    Regime(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
