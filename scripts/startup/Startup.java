import io.zeroheap.*;
import java.lang.foreign.*;
import java.lang.management.*;
/** A first Arena.ofConfined() allocation, then a first Heaps.system() + newArena() one: time and classes loaded. */
public class Startup {
  static long classes() { return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount(); }
  public static void main(String[] a) throws Exception {
    long c0 = classes(); long t0 = System.nanoTime();
    try (Arena arena = Arena.ofConfined()) { arena.allocate(4096).set(ValueLayout.JAVA_BYTE, 0, (byte) 1); }
    long t1 = System.nanoTime(); long c1 = classes();
    Heap heap = Heaps.system();
    try (Arena arena = heap.newArena()) { arena.allocate(4096).set(ValueLayout.JAVA_BYTE, 0, (byte) 1); }
    long t2 = System.nanoTime(); long c2 = classes();
    System.out.printf("first Arena.ofConfined(): %.1f ms, %d classes; first Heaps.system() + newArena(): %.1f ms, %d classes%n",
        (t1 - t0) / 1e6, c1 - c0, (t2 - t1) / 1e6, c2 - c1);
  }
}
