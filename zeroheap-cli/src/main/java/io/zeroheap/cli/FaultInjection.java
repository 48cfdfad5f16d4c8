package io.zeroheap.cli;

/**
 * TEST ONLY: a deliberate fault for {@code zeroheap stress --inject-fault}, so tests can see
 * that a violation is detected, reported and turned into a non-zero exit. The option is hidden
 * from the help. Neither fault involves zeroheap misbehaving: the stress run corrupts what it
 * checks itself, and the report says so.
 */
public enum FaultInjection {
    /** No fault (the default). */
    NONE,
    /**
     * The stress run itself writes {@code 0x5a} into one freshly allocated buffer (thread 0's
     * 100th allocation) before checking that it reads zero.
     */
    ZERO,
    /** The first accounting check sees {@code allocatedBytes} one page larger than the snapshot says. */
    ACCOUNTING,
    /**
     * The stress run itself overwrites one byte of a buffer right after its owner wrote its tag
     * (thread 0's first {@code HeapBuffer} from its 100th allocation on), as if another thread
     * had written into it; the tag check on hand-over or close must see it.
     */
    TAG
}
