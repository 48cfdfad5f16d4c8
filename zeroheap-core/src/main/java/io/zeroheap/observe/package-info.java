/**
 * Observability of heaps: the JFR events ({@code io.zeroheap.*}, all disabled by default, see
 * {@link io.zeroheap.HeapEvents}), the periodic heap statistics event, and the JMX bean of each
 * heap ({@link io.zeroheap.HeapMXBean}). Not exported.
 *
 * <p>Cost when off: events sit only on slow paths (a pool miss, a batch of deferred frees, a
 * shrink, a pressure signal), never on a pool hit; each creates its event object and asks
 * {@code isEnabled()} first, and C2 scalar-replaces the object when the event is off. The
 * periodic event is registered with JFR only once JFR itself is initialized.
 */
package io.zeroheap.observe;
