package dev.vcdn.edge;

import dev.vcdn.shared.process.ProcessLauncher;

public final class EdgeMain {

    private EdgeMain() {
    }

    public static void main(String[] args) {
        ProcessLauncher.main(new EdgeProcess(), args);
    }
}
