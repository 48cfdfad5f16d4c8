package io.zeroheap.observe;

import io.zeroheap.Heap;
import io.zeroheap.HeapMXBean;
import io.zeroheap.HeapStats;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * A heap's {@link HeapMXBean}: a single attribute read takes a fresh {@link HeapStats}
 * snapshot; one {@code getAttributes} call (a scrape) takes one snapshot for all the
 * attributes it reads, the {@code Stats} composite included, so they add up.
 *
 * <p>Thread-safe: the pinned snapshot is per calling thread.
 */
public final class HeapMXBeanImpl implements HeapMXBean {

    private final Heap heap;
    private final ObjectName objectName;

    private HeapMXBeanImpl(Heap heap, ObjectName objectName) {
        this.heap = heap;
        this.objectName = objectName;
    }

    /**
     * Returns the name of {@code heapName}'s bean: {@code io.zeroheap:type=Heap,name=<name>},
     * the name quoted if it holds a character that is special in object names.
     *
     * @throws IllegalArgumentException if no valid object name can be made of it
     */
    public static ObjectName objectName(String heapName) {
        boolean plain = heapName.chars().noneMatch(c -> ",=:\"*?\\\n".indexOf(c) >= 0);
        try {
            return new ObjectName(DOMAIN + ":type=Heap,name=" + (plain ? heapName : ObjectName.quote(heapName)));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("heap name: \"" + heapName + "\" (expected: usable in a JMX object name: "
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Registers a bean for {@code heap} on the platform MBean server.
     *
     * @return the registration, to {@link #unregister()} when the heap closes
     * @throws IllegalArgumentException if a bean of that name is already registered
     * @throws IllegalStateException    if the MBean server refuses the bean
     */
    public static HeapMXBeanImpl register(Heap heap) {
        ObjectName name = objectName(heap.name());
        HeapMXBeanImpl bean = new HeapMXBeanImpl(heap, name);
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new OneSnapshotPerRead(bean), name);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalArgumentException("heap name: \"" + heap.name() + "\" (expected: no JMX bean "
                    + name + " registered yet; build with jmx(false) or another name)", e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register JMX bean " + name + ": " + e.getMessage(), e);
        }
        return bean;
    }

    /** Returns the bean's object name. */
    public ObjectName objectName() {
        return objectName;
    }

    /** Removes the bean from the platform MBean server; a bean already gone is ignored. */
    public void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(objectName);
        } catch (InstanceNotFoundException e) {
            // someone unregistered it already: nothing left to do
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister JMX bean " + objectName + ": " + e.getMessage(), e);
        }
    }

    /** The snapshot of the {@code getAttributes} call running on this thread, if any. */
    private final ThreadLocal<HeapStats> pinned = new ThreadLocal<>();

    /** The snapshot of the running multi-attribute read, else a fresh one. */
    private HeapStats stats() {
        HeapStats stats = pinned.get();
        return stats != null ? stats : heap.stats();
    }

    /**
     * The registered MXBean: a JMX client's one {@code getAttributes} call (a scrape of every
     * attribute) reads one heap snapshot, so the figures it sees add up; each single
     * {@code getAttribute} reads a fresh one.
     */
    private static final class OneSnapshotPerRead extends javax.management.StandardMBean {
        private final HeapMXBeanImpl bean;

        OneSnapshotPerRead(HeapMXBeanImpl bean) {
            super(bean, HeapMXBean.class, true);
            this.bean = bean;
        }

        @Override
        public javax.management.AttributeList getAttributes(String[] attributes) {
            bean.pinned.set(bean.heap.stats());
            try {
                return super.getAttributes(attributes);
            } finally {
                bean.pinned.remove();
            }
        }
    }

    @Override
    public Stats getStats() {
        HeapStats s = stats(); // the scrape's snapshot in a getAttributes call, else a fresh one
        return new Stats(s.allocatedBytes(), s.pooledBytes(), s.pendingBytes(), s.reservedBytes(), s.maxBytes(),
                s.poolHits(), s.poolMisses(), s.failedFrees(), s.allocationFailures(), s.leakedBuffers(),
                s.leakedArenas(), s.toString());
    }

    @Override public String getHeapName() { return heap.name(); }
    @Override public String getMemorySource() { return stats().memorySource(); }
    @Override public boolean isDeferredFree() { return stats().deferredFree(); }
    @Override public String getLeakDetection() { return stats().leakDetection().name(); }
    @Override public long getPageSize() { return stats().pageSize(); }
    @Override public long getMaxBytes() { return stats().maxBytes(); }
    @Override public long getAllocatedBytes() { return stats().allocatedBytes(); }
    @Override public long getPooledBytes() { return stats().pooledBytes(); }
    @Override public long getPendingBytes() { return stats().pendingBytes(); }
    @Override public long getReservedBytes() { return stats().reservedBytes(); }
    @Override public long getPurgedBytes() { return stats().purgedBytes(); }
    @Override public long getPoolHits() { return stats().poolHits(); }
    @Override public long getPoolMisses() { return stats().poolMisses(); }
    @Override public long getZeroedFrees() { return stats().zeroedFrees(); }
    @Override public long getReleasedFrees() { return stats().releasedFrees(); }
    @Override public long getPressureFrees() { return stats().pressureFrees(); }
    @Override public long getFailedFrees() { return stats().failedFrees(); }
    @Override public long getSelfZeroedAllocations() { return stats().selfZeroedAllocations(); }
    @Override public long getShrinkCalls() { return stats().shrinkCalls(); }
    @Override public long getShrunkPages() { return stats().shrunkPages(); }
    @Override public long getAllocationFailures() { return stats().allocationFailures(); }
    @Override public long getLeakedBuffers() { return stats().leakedBuffers(); }
    @Override public long getLeakedArenas() { return stats().leakedArenas(); }
    @Override public long getLeakedBytes() { return stats().leakedBytes(); }
    @Override public String getSummary() { return stats().toString(); }
    @Override public String getSizeClassTable() { return stats().sizeClassTable(); }

    @Override
    public long shrink(long nrPages) {
        return heap.shrink(nrPages);
    }
}
