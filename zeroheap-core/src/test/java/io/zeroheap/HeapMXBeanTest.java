package io.zeroheap;

import org.junit.jupiter.api.Test;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.foreign.Arena;
import java.util.List;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JMX bean of a heap, seen through the platform MBean server as a JMX client sees it. */
class HeapMXBeanTest {

    private static final long MIB = 1 << 20;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aRegisteredHeapShouldShowItsStatsAndShrinkThroughJmxUntilClosed() throws Exception {
        ObjectName name = new ObjectName("io.zeroheap:type=Heap,name=jmx-test");
        SystemHeap heap = SystemHeap.builder().name("jmx-test").build();
        try {
            assertThat(server.isRegistered(name)).isTrue();
            HeapBuffer buffer = heap.allocate(MIB);
            try (Arena arena = heap.newArena()) {   // (a buffer would wait for the held one's generation)
                arena.allocate(2 * MIB);
            }
            heap.drain();

            assertThat(server.getAttribute(name, "HeapName")).isEqualTo("jmx-test");
            assertThat(server.getAttribute(name, "AllocatedBytes")).isEqualTo(MIB);
            long pooled = (Long) server.getAttribute(name, "PooledBytes");
            assertThat(pooled).isGreaterThanOrEqualTo(2 * MIB);
            assertThat((Long) server.getAttribute(name, "ReservedBytes"))
                    .isEqualTo(MIB + pooled + (Long) server.getAttribute(name, "PendingBytes"));
            assertThat((Long) server.getAttribute(name, "PoolMisses")).isEqualTo(2);
            assertThat(server.getAttribute(name, "LeakDetection")).isEqualTo(heap.stats().leakDetection().name());
            assertThat((String) server.getAttribute(name, "Summary")).startsWith("HeapStats[jmx-test ");

            long freed = (Long) server.invoke(name, "shrink", new Object[] {Long.MAX_VALUE}, new String[] {"long"});
            assertThat(freed * heap.stats().pageSize()).isGreaterThanOrEqualTo(2 * MIB);
            assertThat(server.getAttribute(name, "PooledBytes")).isEqualTo(0L);
            assertThat(heap.stats().shrinkCalls()).isEqualTo(1);

            HeapMXBean proxy = JMX.newMXBeanProxy(server, name, HeapMXBean.class);
            assertThat(proxy.getAllocatedBytes()).isEqualTo(MIB);
            assertThatThrownBy(() -> proxy.shrink(-1)).isInstanceOf(IllegalArgumentException.class);
            buffer.close();
        } finally {
            heap.close();
        }
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void whatAJmxClientReadsAtOnceShouldAddUpWhileThreadsAllocate() throws Exception {
        ObjectName name = new ObjectName("io.zeroheap:type=Heap,name=jmx-consistent");
        try (SystemHeap heap = SystemHeap.builder().name("jmx-consistent").build()) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread churn = Thread.ofPlatform().start(() -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(3);
                while (!stop.get()) {
                    try (Arena arena = heap.newArena()) {
                        arena.allocate(1 + random.nextInt(512 << 10));
                    }
                    heap.allocate(1 + random.nextInt(256 << 10)).close();
                }
            });
            try {
                String[] single = {"AllocatedBytes", "PooledBytes", "PendingBytes", "ReservedBytes"};
                for (int i = 0; i < 200; i++) {
                    javax.management.openmbean.CompositeData stats =
                            (javax.management.openmbean.CompositeData) server.getAttribute(name, "Stats");
                    assertThat((long) stats.get("allocatedBytes") + (long) stats.get("pooledBytes")
                            + (long) stats.get("pendingBytes")).as("one composite read").isEqualTo(stats.get("reservedBytes"));
                    assertThat((String) stats.get("summary")).startsWith("HeapStats[jmx-consistent ");

                    List<javax.management.Attribute> read = server.getAttributes(name, single).asList();
                    long[] v = read.stream().mapToLong(a -> (Long) a.getValue()).toArray();
                    assertThat(v[0] + v[1] + v[2]).as("one read of the single attributes").isEqualTo(v[3]);
                }
            } finally {
                stop.set(true);
                churn.join();
            }
        }
    }

    @Test
    void aHeapBuiltUnderTheNameOfAClosedOneShouldGetItsOwnBean() throws Exception {
        ObjectName name = new ObjectName("io.zeroheap:type=Heap,name=jmx-again");
        SystemHeap first = SystemHeap.builder().name("jmx-again").leakDetection(LeakDetection.OFF).build();
        first.allocate(MIB).close();
        first.close();
        assertThat(first.closeFailures()).isZero();
        try (SystemHeap second = SystemHeap.builder().name("jmx-again").leakDetection(LeakDetection.ALL).build();
             HeapBuffer buffer = second.allocate(2 * MIB)) {
            assertThat(server.isRegistered(name)).isTrue();
            assertThat(server.getAttribute(name, "LeakDetection")).isEqualTo("ALL");
            assertThat(server.getAttribute(name, "AllocatedBytes")).isEqualTo(2 * MIB);
            assertThat(server.getAttribute(name, "PoolMisses")).isEqualTo(1L);
            assertThat(buffer.refCount()).isOne();
        }
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void aNameWithSpecialCharactersShouldBeQuoted() throws Exception {
        try (SystemHeap heap = SystemHeap.builder().name("cam,era=1:\"x\"").build()) {
            ObjectName name = new ObjectName("io.zeroheap:type=Heap,name=" + ObjectName.quote("cam,era=1:\"x\""));
            assertThat(server.isRegistered(name)).isTrue();
            assertThat(server.getAttribute(name, "HeapName")).isEqualTo(heap.name());
        }
    }

    @Test
    void jmxShouldBeOffWhenSwitchedOffOrForUnregisteredHeaps() throws Exception {
        try (SystemHeap off = SystemHeap.builder().name("jmx-off").jmx(false).build();
             SystemHeap unregistered = SystemHeap.builder().name("jmx-unregistered").register(false).build()) {
            assertThat(server.isRegistered(new ObjectName("io.zeroheap:type=Heap,name=jmx-off"))).isFalse();
            assertThat(server.isRegistered(new ObjectName("io.zeroheap:type=Heap,name=jmx-unregistered"))).isFalse();
            assertThat(off.name()).isEqualTo("jmx-off");
            assertThat(unregistered.name()).isEqualTo("jmx-unregistered");
        }
    }

    @Test
    void aSecondBeanOfTheSameNameShouldBeRefusedAndLeaveNothingBehind() throws Exception {
        try (SystemHeap first = SystemHeap.builder().name("jmx-twice").build()) {
            assertThatThrownBy(() -> SystemHeap.builder().name("jmx-twice").register(false).jmx(true).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("jmx-twice").hasMessageContaining("jmx(false)");
            assertThat(server.getAttribute(new ObjectName("io.zeroheap:type=Heap,name=jmx-twice"), "HeapName"))
                    .isEqualTo(first.name());
        }
    }

    @Test
    void aTakenNameShouldNotStopAHeapWhoseBeanIsOnlyOnByDefault() throws Exception {
        ObjectName name = new ObjectName("io.zeroheap:type=Heap,name=jmx-taken");
        server.registerMBean(new StandardMBean(ManagementFactory.getRuntimeMXBean(), RuntimeMXBean.class), name);
        try (SystemHeap heap = SystemHeap.builder().name("jmx-taken").build();
             HeapBuffer buffer = heap.allocate(4096)) {
            assertThat(buffer.refCount()).isOne();
            assertThat(server.getAttribute(name, "VmName")).as("the other bean is untouched").isNotNull();
        } finally {
            server.unregisterMBean(name);
        }
    }
}
