package io.zeroheap.arena;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The open shared arenas of one heap, so that closing the heap ends them. Arenas that leak
 * detection does not track are held strongly, so that the heap's close ends them even if their
 * user dropped them (else their memory would stay held for good); arenas that it tracks are
 * held weakly, so that one dropped unclosed can be found.
 *
 * <p>Thread-safety: every method may be called from any thread. Each set is a synchronized
 * set, locked only to add, remove or copy it; arenas are closed outside those locks.
 */
public final class SharedArenas {

    private final Set<HeapArena> untracked = Collections.synchronizedSet(
            Collections.newSetFromMap(new IdentityHashMap<>()));
    private final Set<HeapArena> tracked = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    private final String heapName;
    private final System.Logger log;

    /**
     * @param heapName the heap's name, for log messages
     * @param log      where {@link #closeAll()} logs arenas that stay open
     */
    public SharedArenas(String heapName, System.Logger log) {
        this.heapName = heapName;
        this.log = log;
    }

    /** Holds a newly opened shared arena: strongly if leak detection does not track it, else weakly. */
    public void add(HeapArena arena) {
        (arena.tracked() ? tracked : untracked).add(arena);
    }

    /** Forgets an arena that was closed. */
    public void remove(HeapArena arena) {
        (arena.tracked() ? tracked : untracked).remove(arena);
    }

    /**
     * Closes every arena held. One that a downcall or I/O holds stays open (logged); its
     * memory goes back when it is closed. One that its user closed meanwhile is skipped.
     */
    public void closeAll() {
        List<HeapArena> sharedArenas = new ArrayList<>();
        synchronized (untracked) {
            sharedArenas.addAll(untracked);
        }
        synchronized (tracked) {
            sharedArenas.addAll(tracked);
        }
        for (HeapArena arena : sharedArenas) {
            try {
                arena.close();
            } catch (IllegalStateException e) {
                if (arena.scope().isAlive()) { // held by a downcall or I/O: it stays open
                    log.log(System.Logger.Level.WARNING, () -> "heap '" + heapName + "': " + arena
                            + " is in use and stays open; its memory goes back when it is closed", e);
                } // else its user closed it concurrently, which released its chunks
            }
        }
    }
}
