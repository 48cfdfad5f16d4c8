package io.zeroheap.pressure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits and working sets from cgroup files the test writes, and finding the process's cgroup. */
class CgroupMemoryTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void v1ShouldReadTheLowerOfOwnAndHierarchicalLimitAndSubtractInactiveFileCache() throws IOException {
        Path dir = Files.createDirectories(root.resolve("memory/app"));
        Files.writeString(dir.resolve("memory.limit_in_bytes"), 512 * MIB + "\n");
        Files.writeString(dir.resolve("memory.usage_in_bytes"), 300 * MIB + "\n");
        Files.writeString(dir.resolve("memory.stat"), "cache 1\nhierarchical_memory_limit " + 256 * MIB
                + "\ntotal_inactive_file " + 100 * MIB + "\n");

        CgroupMemory cgroup = CgroupMemory.v1(dir);

        assertThat(cgroup.limitBytes()).isEqualTo(256 * MIB);
        assertThat(cgroup.workingSetBytes()).isEqualTo(200 * MIB);
    }

    @Test
    void v1ShouldTreatThePageRoundedLongMaxAsNoLimit() throws IOException {
        Path dir = Files.createDirectories(root.resolve("v1"));
        Files.writeString(dir.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        assertThat(CgroupMemory.v1(dir).limitBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void v2ShouldTakeTheLowestMaxOrHighOfTheCgroupAndItsAncestors() throws IOException {
        Path mount = Files.createDirectories(root.resolve("unified"));
        Path parent = Files.createDirectories(mount.resolve("service"));
        Path dir = Files.createDirectories(parent.resolve("app"));
        Files.writeString(parent.resolve("memory.max"), 200 * MIB + "\n");
        Files.writeString(dir.resolve("memory.max"), "max\n");
        Files.writeString(dir.resolve("memory.high"), 300 * MIB + "\n");
        Files.writeString(dir.resolve("memory.current"), 150 * MIB + "\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 1\ninactive_file " + 50 * MIB + "\n");

        CgroupMemory cgroup = CgroupMemory.v2(dir, mount);

        assertThat(cgroup.limitBytes()).isEqualTo(200 * MIB);
        assertThat(cgroup.workingSetBytes()).isEqualTo(100 * MIB);
    }

    @Test
    void aLimitThatIsNotANumberShouldFailNamingTheFile() throws IOException {
        Path dir = Files.createDirectories(root.resolve("bad"));
        Files.writeString(dir.resolve("memory.limit_in_bytes"), "lots\n");
        assertThatThrownBy(() -> CgroupMemory.v1(dir).limitBytes())
                .isInstanceOf(IOException.class).hasMessageContaining("memory.limit_in_bytes")
                .hasMessageContaining("lots");
    }

    @Test
    void locateShouldPreferTheV1MemoryControllerAndFindTheV2PressureFile() throws IOException {
        Path v1Mount = Files.createDirectories(root.resolve("sys/fs/cgroup/memory"));
        Path v1Dir = Files.createDirectories(v1Mount.resolve("jobs/42"));
        Path v2Mount = Files.createDirectories(root.resolve("sys/fs/cgroup/unified"));
        Path v2Dir = Files.createDirectories(v2Mount.resolve("user.slice"));
        Files.writeString(v2Dir.resolve("memory.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Path cgroupFile = Files.writeString(root.resolve("cgroup"),
                "4:memory:/jobs/42\n3:cpu,cpuacct:/\n0::/user.slice\n");
        Path mountInfo = Files.writeString(root.resolve("mountinfo"),
                "30 23 0:26 / " + v1Mount + " rw,relatime shared:5 - cgroup cgroup rw,memory\n"
                        + "31 23 0:27 / " + v2Mount + " rw,relatime - cgroup2 cgroup2 rw\n");

        Optional<CgroupMemory> cgroup = CgroupMemory.locate(cgroupFile, mountInfo);

        assertThat(cgroup).map(CgroupMemory::dir).contains(v1Dir);
        assertThat(CgroupMemory.locatePressureFile(cgroupFile, mountInfo))
                .contains(v2Dir.resolve("memory.pressure"));
    }

    @Test
    void locateShouldFindAPureV2CgroupRelativeToItsMountRoot() throws IOException {
        Path mount = Files.createDirectories(root.resolve("cg2"));
        Path dir = Files.createDirectories(mount.resolve("pod/ctr"));
        Files.writeString(dir.resolve("memory.current"), "1\n");
        Path cgroupFile = Files.writeString(root.resolve("cgroup"), "0::/kubepods/pod/ctr\n");
        Path mountInfo = Files.writeString(root.resolve("mountinfo"),
                "40 30 0:30 /kubepods " + mount + " rw - cgroup2 cgroup2 rw\n");

        assertThat(CgroupMemory.locate(cgroupFile, mountInfo)).map(CgroupMemory::dir).contains(dir);
    }

    @Test
    void locateShouldFindNothingWithoutCgroupMounts() throws IOException {
        Path cgroupFile = Files.writeString(root.resolve("cgroup"), "0::/\n");
        Path mountInfo = Files.writeString(root.resolve("mountinfo"), "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n");
        assertThat(CgroupMemory.locate(cgroupFile, mountInfo)).isEmpty();
        assertThat(CgroupMemory.locate(root.resolve("missing"), mountInfo)).isEmpty();
    }
}
