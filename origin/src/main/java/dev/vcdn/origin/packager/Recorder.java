package dev.vcdn.origin.packager;

/** Where the broadcasts of channels with the {@code recording} feature are kept. On the packages' event loop. */
public interface Recorder {

    /** Keeps nothing: an origin without recordings. */
    Recorder NONE = broadcast -> Recording.NONE;

    /**
     * Recording of {@code broadcast} begins here: a new one, or one going on from another origin
     * (same broadcast id: the same recording goes on).
     */
    Recording record(ChannelPackage broadcast);
}
