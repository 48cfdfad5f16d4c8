package io.zeroheap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeapsTest {

    @Test
    void systemHeapShouldBeCreatedOnceAndFoundByName() {
        Heap system = Heaps.system();
        assertThat(Heaps.system()).isSameAs(system);
        assertThat(Heaps.find(Heaps.SYSTEM)).containsSame(system);
        try (HeapBuffer buffer = system.allocate(100)) {
            assertThat(Zero.firstNonZero(buffer.segment())).isEqualTo(-1);
        }
    }

    @Test
    void theSystemHeapShouldRefuseToBeClosedAndStayUsable() {
        Heap system = Heaps.system();

        assertThatThrownBy(system::close).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("heap 'system'").hasMessageContaining("cannot be closed");

        assertThat(Heaps.system()).isSameAs(system);
        try (java.lang.foreign.Arena arena = system.newArena()) {
            assertThat(Zero.firstNonZero(arena.allocate(4096))).isEqualTo(-1);
        }
    }

    @Test
    void theSystemHeapsJmxBeanShouldAppearOffTheFirstAllocationsPath() throws Exception {
        Heaps.system();
        javax.management.ObjectName name = new javax.management.ObjectName(HeapMXBean.DOMAIN + ":type=Heap,name=system");
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();

        DeferredFreeListTest.awaitTrue(() -> server.isRegistered(name), "the background thread registered the bean");
    }

    @Test
    void noOtherHeapShouldTakeTheSystemHeapsName() {
        assertThatThrownBy(() -> SystemHeap.builder().name(Heaps.SYSTEM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name: \"system\"").hasMessageContaining("Heaps.system()");
        try (SystemHeap heap = SystemHeap.builder().register(false).build()) {
            assertThat(heap.name()).isNotEqualTo(Heaps.SYSTEM);
        }
    }

    @Test
    void namedHeapsShouldBeRegisteredUntilClosed() {
        SystemHeap heap = SystemHeap.builder().name("camera").build();
        assertThat(Heaps.find("camera")).containsSame(heap);
        assertThat(Heaps.names()).contains("camera");
        assertThatThrownBy(() -> SystemHeap.builder().name("camera").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heap name: \"camera\" (expected: unique");
        heap.close();
        assertThat(Heaps.find("camera")).isEmpty();
    }

    @Test
    void unregisteredHeapsShouldStayOutOfTheRegistry() {
        int shrinkersBefore = Shrinkers.system().shrinkers().size();
        try (SystemHeap heap = SystemHeap.builder().name("private").register(false).build()) {
            assertThat(Heaps.find("private")).isEmpty();
            assertThat(Shrinkers.system().shrinkers()).as("none of its shrinkers registered").hasSize(shrinkersBefore);
            assertThat(heap.stats().heapName()).isEqualTo("private");
        }
    }

    @Test
    void registeredHeapsShouldAnswerTheProcessWideShrinkers() {
        try (SystemHeap heap = SystemHeap.builder().name("shrinkable").build()) {
            heap.allocate(1 << 20).close();
            heap.drain();
            assertThat(heap.stats().pooledBytes()).isGreaterThanOrEqualTo(1 << 20);
            Shrinkers.system().shrink(Long.MAX_VALUE);
            assertThat(heap.stats().pooledBytes()).isZero();
        }
    }

    @Test
    void aHeapWithLargerPagesShouldCountAndShrinkInOsPagesInTheProcessWideRegistry() {
        long osPage = SystemHeap.builder().register(false).build().stats().pageSize(); // default: the OS page
        try (SystemHeap heap = SystemHeap.builder().name("big-pages").pageSize(16 * osPage).cpuPools(false).build()) {
            heap.allocate(1 << 20).close();
            heap.drain();
            long pooled = heap.stats().pooledBytes();
            assertThat(pooled).isGreaterThanOrEqualTo(1 << 20);
            long counted = Shrinkers.system().shrinkers().stream()
                    .filter(s -> s.toString().contains("PoolSet") || s.toString().contains("OsPages"))
                    .mapToLong(Shrinker::count).sum();
            assertThat(counted).as("pooled bytes in OS pages, not in the heap's 16x pages").isGreaterThanOrEqualTo(pooled / osPage);

            long freed = Shrinkers.system().shrink(pooled / osPage);

            assertThat(heap.stats().pooledBytes()).as("what was asked, in OS pages, was given back").isZero();
            assertThat(freed).isGreaterThanOrEqualTo(pooled / osPage);
        }
    }

    @Test
    void builderShouldRejectBadSettings() {
        assertThatThrownBy(() -> SystemHeap.builder().name(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: \"\" (expected: not blank)");
        assertThatThrownBy(() -> SystemHeap.builder().maxBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> SystemHeap.builder().pageSize(5000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize: 5000");
        assertThatThrownBy(() -> SystemHeap.builder().workerNice(20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SystemHeap.builder().workerLinger(java.time.Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("workerLinger: PT2S");
        assertThatThrownBy(() -> SystemHeap.builder().generationMaxBuffers(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Heaps.find(null)).isInstanceOf(NullPointerException.class);
    }
}
