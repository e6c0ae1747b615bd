package dev.vcdn.geo;

import dev.vcdn.shared.process.ProcessLauncher;

public final class GeoMain {

    private GeoMain() {
    }

    public static void main(String[] args) {
        ProcessLauncher.main(new GeoProcess(), args);
    }
}
