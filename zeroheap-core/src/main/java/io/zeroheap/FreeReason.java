package io.zeroheap;

/**
 * Why a deferred item is being freed (the seed's {@code enum df_reason}).
 *
 * <p>A free action that pools memory uses the reason to choose: {@link #NORMAL} may zero the
 * memory and keep it for reuse; {@link #UNDER_PRESSURE} must give it back to the operating
 * system and should not allocate, since the machine is short of memory.
 */
public enum FreeReason {

    /**
     * The background worker frees the item in due course, or a caller that drains, closes or
     * helps the list, or defers after it was closed.
     */
    NORMAL,

    /** A shrinker frees the item because memory is needed now: give it back, don't pool it. */
    UNDER_PRESSURE
}
