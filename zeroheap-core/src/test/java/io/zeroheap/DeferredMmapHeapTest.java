package io.zeroheap;

/** The contract on the default heap: mmap memory, deferred frees. */
class DeferredMmapHeapTest extends HeapContractTest {
    @Override
    SystemHeap.Builder variant() {
        return SystemHeap.builder();
    }
}
