package io.zeroheap.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Downcalls into the C library for the floors ({@code memset}, {@code mmap}, {@code madvise},
 * {@code munmap}), or the reason there are none: native access not enabled for this code's
 * module (asked first, so the JDK prints no warning), or the function not found. Stateless.
 */
final class Libc {

    private static final String UNAVAILABLE = FloorZeroing.class.getModule().isNativeAccessEnabled()
            ? null : "native access not enabled; run with --enable-native-access=ALL-UNNAMED";

    private Libc() {
    }

    /** Why no downcall can be made at all, or null if they can. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** A downcall handle for C function {@code name}, or empty where {@link #unavailable()} or the function is missing. */
    @SuppressWarnings("restricted") // callers pass the C library's own signatures
    static Optional<MethodHandle> downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        if (UNAVAILABLE != null) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(address -> linker.downcallHandle(address, descriptor, options));
    }
}
