package io.zeroheap.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code zeroheap info}: what the platform gives zeroheap, one fact per line. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        header = "What the platform gives zeroheap.",
        description = {
            "Shows what the platform gives zeroheap: page size, memory source and worker niceness (of a heap "
                    + "built with the defaults), transparent huge pages, PSI, what zeroheap's process-wide reclaimer "
                    + "watches (its PSI trigger and memory watermarks), the cgroup memory limit, the JDK, and whether native "
                    + "access is enabled."
        })
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<PlatformInfo.Fact> facts = PlatformInfo.collect();
        int width = facts.stream().mapToInt(f -> f.name().length()).max().orElse(0);
        for (PlatformInfo.Fact fact : facts) {
            out.println(fact.name() + ":" + " ".repeat(width - fact.name().length() + 1) + fact.value());
        }
        out.flush();
        return 0;
    }
}
