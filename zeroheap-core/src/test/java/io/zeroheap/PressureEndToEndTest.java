package io.zeroheap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real thing: a child JVM in a memory cgroup whose limit is smaller than what the child
 * would hoard without reclaim. With zeroheap's reclaimer on, it must finish (not be OOM-killed)
 * and show memory given back under pressure; with it off, the same child must be killed, which
 * shows the limit really is too small. Skipped, with the reason printed, where the test cannot
 * create a memory cgroup (needs root and a cgroup v1 memory controller or a cgroup v2 mount
 * with the memory controller delegated).
 */
class PressureEndToEndTest {

    private static final long LIMIT_BYTES = 256L << 20;
    private static final int WAVES = 12;
    private Path cgroup;

    @BeforeEach
    void createCgroup() throws IOException {
        String name = "zeroheap-test-" + ProcessHandle.current().pid();
        Path v1 = Path.of("/sys/fs/cgroup/memory");
        Path v2 = Path.of("/sys/fs/cgroup");
        String why;
        if (Files.isDirectory(v1) && Files.isWritable(v1)) {
            cgroup = Files.createDirectories(v1.resolve(name));
            Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Long.toString(LIMIT_BYTES));
            Path memsw = cgroup.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw)) {
                Files.writeString(memsw, Long.toString(LIMIT_BYTES)); // no swapping out of the test
            }
            return;
        } else if (Files.isRegularFile(v2.resolve("cgroup.subtree_control"))
                && Files.readString(v2.resolve("cgroup.subtree_control")).contains("memory")
                && Files.isWritable(v2)) {
            cgroup = Files.createDirectories(v2.resolve(name));
            Files.writeString(cgroup.resolve("memory.max"), Long.toString(LIMIT_BYTES));
            Files.writeString(cgroup.resolve("memory.swap.max"), "0");
            return;
        } else {
            why = "no writable cgroup v1 memory controller or cgroup v2 with the memory controller";
        }
        System.out.println("PressureEndToEndTest skipped: " + why);
        assumeTrue(false, why);
    }

    @AfterEach
    void removeCgroup() throws IOException, InterruptedException {
        if (cgroup != null) {
            for (int i = 0; i < 50 && Files.exists(cgroup); i++) {
                try {
                    Files.delete(cgroup);
                } catch (IOException e) {
                    Thread.sleep(100); // the killed child may still be leaving
                }
            }
        }
    }

    @Test
    void aChildUnderALimitShouldGiveMemoryBackInsteadOfBeingKilled() throws Exception {
        Result result = runChild("on");

        assertThat(result.exitCode).as("exit code; output:%n%s", result.output).isZero();
        Matcher m = Pattern.compile("RESULT watermarkFreed=(\\d+) directFreed=(\\d+) psiFreed=(\\d+)")
                .matcher(result.output);
        assertThat(m.find()).as(result.output).isTrue();
        long freedPages = Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) + Long.parseLong(m.group(3));
        assertThat(freedPages * 4096).as("pages given back under pressure; output:%n%s", result.output)
                .isGreaterThan(64L << 20);
    }

    @Test
    void theSameChildWithoutReclaimShouldBeKilledSoTheLimitIsReallyTooSmall() throws Exception {
        Result result = runChild("off");

        assertThat(result.exitCode).as("exit code; output:%n%s", result.output).isEqualTo(137);
    }

    private Result runChild(String reclaim) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = location(Heap.class) + File.pathSeparator + location(PressureChild.class);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath));
        command.addAll(List.of(PressureChild.class.getName(), Integer.toString(WAVES), "400", reclaim));
        String shell = "echo $$ > '" + cgroup.resolve("cgroup.procs") + "' && exec \"$@\"";
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", shell, "sh"));
        wrapped.addAll(command);
        Path log = Files.createTempFile("zeroheap-child", ".log");
        try {
            Process process = new ProcessBuilder(wrapped).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log);
            System.out.println("child (reclaim " + reclaim + ") exited " + process.exitValue() + ":\n" + output);
            return new Result(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private record Result(int exitCode, String output) {
    }
}
