import io.zeroheap.*;
import java.lang.foreign.*;
/** Prints the time main ends, after a first allocation (from Heaps.system() with "heap") and an optional sleep in ms. */
public class Exit {
  public static void main(String[] a) {
    if (a.length > 0 && a[0].equals("heap")) {
      try (Arena arena = Heaps.system().newArena()) { arena.allocate(4096).set(ValueLayout.JAVA_BYTE, 0, (byte) 1); }
    } else {
      try (Arena arena = Arena.ofConfined()) { arena.allocate(4096).set(ValueLayout.JAVA_BYTE, 0, (byte) 1); }
    }
    if (a.length > 1) { try { Thread.sleep(Long.parseLong(a[1])); } catch (InterruptedException e) { } }
    System.out.println(System.currentTimeMillis());
  }
}
