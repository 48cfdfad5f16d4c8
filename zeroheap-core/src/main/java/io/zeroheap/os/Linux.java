package io.zeroheap.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/** Whether this JVM runs on Linux, where the native entry points of this package exist. */
final class Linux {

    private static final boolean CURRENT =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    private Linux() {
    }

    /** Returns whether the operating system is Linux. */
    static boolean isCurrentOs() {
        return CURRENT;
    }

    /** Returns whether the C library is glibc (it has {@code gnu_get_libc_version}). */
    static boolean isGlibc() {
        return Linker.nativeLinker().defaultLookup().find("gnu_get_libc_version").isPresent();
    }

    /**
     * Returns a downcall handle to the C library's function {@code name}.
     *
     * @throws IllegalCallerException where native access is not enabled for this module
     * @throws java.util.NoSuchElementException where the C library has no such function
     */
    @SuppressWarnings("restricted") // callers pass the C library's own signatures
    static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }
}
