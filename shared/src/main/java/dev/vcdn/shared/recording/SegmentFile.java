package dev.vcdn.shared.recording;

import java.time.Instant;
import java.util.Optional;

/**
 * A recorded segment, named by what a playlist needs to list it:
 * {@code {msn}_{programDateTimeMillis}_{durationMillis}_{discontinuity}.m4s}. The store's listing
 * of a rendition is then its index: an object exists only once written whole (an S3 PUT, a file
 * renamed into place), so a segment cut short by a crash is never listed, and every origin of a
 * cluster reads the same index from shared storage without a database of its own.
 *
 * @param msn            its media sequence number in the live playlists
 * @param programDateTime the wall clock of its first frame at ingest
 * @param durationMillis its length
 * @param discontinuity  its discontinuity sequence number: the breaks (publisher reconnects) before it
 */
public record SegmentFile(long msn, Instant programDateTime, long durationMillis, long discontinuity)
        implements Comparable<SegmentFile> {

    private static final String SUFFIX = ".m4s";
    private static final int MAX_DIGITS = 15;

    public SegmentFile {
        if (msn < 0 || durationMillis <= 0 || discontinuity < 0 || programDateTime.toEpochMilli() < 0) {
            throw new IllegalArgumentException("bad recorded segment " + msn + "/" + durationMillis + "/" + discontinuity);
        }
    }

    public String name() {
        return msn + "_" + programDateTime.toEpochMilli() + "_" + durationMillis + "_" + discontinuity + SUFFIX;
    }

    /** Empty for any name that is not exactly one {@link #name()} writes. */
    public static Optional<SegmentFile> parse(String name) {
        if (name == null || !name.endsWith(SUFFIX) || name.length() > 4 * (MAX_DIGITS + 1) + SUFFIX.length()) {
            return Optional.empty();
        }
        String[] fields = name.substring(0, name.length() - SUFFIX.length()).split("_", -1);
        if (fields.length != 4) {
            return Optional.empty();
        }
        long[] values = new long[4];
        for (int i = 0; i < 4; i++) {
            String field = fields[i];
            if (field.isEmpty() || field.length() > MAX_DIGITS || (field.length() > 1 && field.charAt(0) == '0')) {
                return Optional.empty();
            }
            for (int c = 0; c < field.length(); c++) {
                if (field.charAt(c) < '0' || field.charAt(c) > '9') {
                    return Optional.empty();
                }
            }
            values[i] = Long.parseLong(field);
        }
        if (values[2] == 0) {
            return Optional.empty();
        }
        return Optional.of(new SegmentFile(values[0], Instant.ofEpochMilli(values[1]), values[2], values[3]));
    }

    /** Where its media ends, in wall-clock time. */
    public Instant end() {
        return programDateTime.plusMillis(durationMillis);
    }

    @Override
    public int compareTo(SegmentFile other) {
        return Long.compare(msn, other.msn);
    }
}
