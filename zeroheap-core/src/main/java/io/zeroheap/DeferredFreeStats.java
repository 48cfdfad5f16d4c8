package io.zeroheap;

import java.util.OptionalInt;

/**
 * A consistent snapshot of one {@link DeferredFreeList}: every figure was read under the
 * list's lock at the same instant, so
 * {@code deferredPages == freedPages(NORMAL) + freedPages(UNDER_PRESSURE) + failedPages +
 * freeingPages + pendingPages} holds in every snapshot (the same for items).
 *
 * @param deferredItems          items ever handed to {@code defer}
 * @param deferredPages          pages of those items
 * @param normalFrees            items freed with {@link FreeReason#NORMAL}
 * @param normalFreedPages       pages of those items
 * @param pressureFrees          items freed with {@link FreeReason#UNDER_PRESSURE}
 * @param pressureFreedPages     pages of those items
 * @param failedFrees            items whose free action threw (each logged)
 * @param failedPages            pages of those items
 * @param pendingItems           items on the list, waiting for a freer
 * @param pendingPages           pages of those items (the shrinker's {@code count()})
 * @param freeingItems           items taken off the list whose free action is running now
 * @param freeingPages           pages of those items
 * @param workerWakeups          times the worker woke from parking until woken (spurious wake-ups
 *                               included; not the timed parks of its linger)
 * @param workerRestarts         workers that died and were replaced
 * @param workerInterrupts       interrupts the worker absorbed
 * @param failedIdleActions      times the idle action threw (each logged)
 * @param workerNice             the worker's Linux niceness, empty where it could not be set
 *                               (not Linux, or native access denied) and the worker runs at
 *                               {@link Thread#MIN_PRIORITY} only
 * @param workerNativeThreadId   the worker's native thread id, -1 where unknown
 */
public record DeferredFreeStats(
        long deferredItems,
        long deferredPages,
        long normalFrees,
        long normalFreedPages,
        long pressureFrees,
        long pressureFreedPages,
        long failedFrees,
        long failedPages,
        long pendingItems,
        long pendingPages,
        long freeingItems,
        long freeingPages,
        long workerWakeups,
        long workerRestarts,
        long workerInterrupts,
        long failedIdleActions,
        OptionalInt workerNice,
        long workerNativeThreadId) {

    /** Items freed with {@code reason}. */
    public long frees(FreeReason reason) {
        return switch (reason) {
            case NORMAL -> normalFrees;
            case UNDER_PRESSURE -> pressureFrees;
        };
    }

    /** Pages freed with {@code reason}. */
    public long freedPages(FreeReason reason) {
        return switch (reason) {
            case NORMAL -> normalFreedPages;
            case UNDER_PRESSURE -> pressureFreedPages;
        };
    }
}
