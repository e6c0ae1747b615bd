package dev.vcdn.origin;

import dev.vcdn.shared.process.ProcessLauncher;

public final class OriginMain {

    private OriginMain() {
    }

    public static void main(String[] args) {
        ProcessLauncher.main(new OriginProcess(), args);
    }
}
