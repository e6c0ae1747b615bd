package dev.vcdn.shared.process;

import java.nio.file.Path;
import java.util.Optional;

/** {@code [--config FILE] [--help]}: everything else is configured in the file or the environment. */
record CommandLine(Optional<Path> configFile, boolean help) {

    static CommandLine parse(String[] args) {
        Optional<Path> configFile = Optional.empty();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file name");
                }
                configFile = Optional.of(Path.of(args[++i]));
            } else if (arg.startsWith("--config=")) {
                configFile = Optional.of(Path.of(arg.substring("--config=".length())));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return new CommandLine(configFile, help);
    }

    static String usage(String processName, String configEnv) {
        return "usage: java -jar " + processName + ".jar [--config FILE]\n"
                + "  FILE is YAML (see the commented example shipped beside the module); without it\n"
                + "  " + configEnv + " names the file, else defaults apply. Every key can be overridden\n"
                + "  by VCDN_<KEY> (http.port -> VCDN_HTTP_PORT).";
    }
}
