package dev.vcdn.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and resident memory from {@code /proc}, as {@code top} reads them.
 *
 * @param cpuNanos user plus system time so far
 * @param rssBytes resident set size now
 */
record ProcessSample(long cpuNanos, long rssBytes) {

    /** Clock ticks per second of {@code /proc/PID/stat}: 100 on every Linux this runs on (USER_HZ). */
    private static final long TICKS_PER_SECOND = 100;

    static ProcessSample of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which sits in parentheses and may hold spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        long rssKib = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return new ProcessSample(ticks * 1_000_000_000L / TICKS_PER_SECOND, rssKib * 1024);
    }
}
