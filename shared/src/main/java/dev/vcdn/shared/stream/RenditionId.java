package dev.vcdn.shared.stream;

/** One rung of a channel's ladder ({@code source}, {@code 720p}, {@code 480p-av1}, {@code audio}). */
public record RenditionId(String value) {

    public RenditionId {
        Identifiers.requireName("rendition id", value);
    }

    public static RenditionId of(String value) {
        return new RenditionId(value);
    }

    public static boolean isValid(String value) {
        return Identifiers.isName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
