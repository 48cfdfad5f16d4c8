/**
 * Observability of heaps: the JFR events ({@code io.zeroheap.*}, all disabled by default, see
 * {@link io.zeroheap.HeapEvents}), the periodic heap statistics event, and the JMX bean of each
 * heap ({@link io.zeroheap.HeapMXBean}). Not exported.
 *
 * <p>Cost when off: events sit only on slow paths (a pool miss, a batch of deferred frees, a
 * shrink, a pressure signal), never on a pool hit. Until JFR is initialized in the process (a
 * recording was started, or {@code -XX:StartFlightRecording}), each event site is one static
 * boolean read ({@code FlightRecorder.isInitialized()}, in {@link io.zeroheap.observe.Events},
 * the only class the rest of the library calls) and the event classes are not even loaded
 * (loading the first one costs JFR's metadata setup, 50-100 ms here). After that an
 * event object is made and asked {@code shouldCommit()} before its fields are filled; C2
 * scalar-replaces it when the event is off. The periodic event is registered with JFR only
 * once JFR is initialized.
 */
package io.zeroheap.observe;
