import java.lang.foreign.*;
import java.lang.invoke.*;
/** The floor of any FFM allocator's start-up: a first Arena.ofConfined() allocation, then a bare first downcall. */
public class Floor {
  public static void main(String[] a) throws Throwable {
    long t0 = System.nanoTime();
    try (Arena arena = Arena.ofConfined()) { arena.allocate(4096).set(ValueLayout.JAVA_BYTE, 0, (byte) 1); }
    long t1 = System.nanoTime();
    Linker linker = Linker.nativeLinker();
    MethodHandle getpid = linker.downcallHandle(linker.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    int pid = (int) getpid.invokeExact();
    long t2 = System.nanoTime();
    System.out.printf("first Arena.ofConfined(): %.1f ms; first FFM downcall (link + call getpid): %.1f ms%n", (t1-t0)/1e6, (t2-t1)/1e6);
  }
}
