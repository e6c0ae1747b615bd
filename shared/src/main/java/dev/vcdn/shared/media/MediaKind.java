package dev.vcdn.shared.media;

public enum MediaKind {
    VIDEO,
    AUDIO
}
