package io.zeroheap;

/** The contract with {@code deferredFree(false)}: zeroing on the freeing thread (the seed's "before"). */
class SynchronousFreeHeapTest extends HeapContractTest {
    @Override
    SystemHeap.Builder variant() {
        return SystemHeap.builder().deferredFree(false);
    }
}
