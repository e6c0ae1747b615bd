package dev.vcdn.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a program the tests check with (ffmpeg, ffprobe) to its end. */
public final class Commands {

    private Commands() {
    }

    /** What {@code command} printed (output and errors together); it must end well within two minutes, successfully. */
    public static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
