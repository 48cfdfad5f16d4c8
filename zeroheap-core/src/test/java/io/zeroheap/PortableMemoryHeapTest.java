package io.zeroheap;

/** The contract on the portable memory source (Arena-backed), as used off Linux. */
class PortableMemoryHeapTest extends HeapContractTest {
    @Override
    SystemHeap.Builder variant() {
        return SystemHeap.builder().portableMemory(true);
    }
}
