package dev.vcdn.origin.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * What an S3-compatible server answers a listing with is input like any other (a misbehaving or
 * hostile endpoint): refused whole with {@link IllegalArgumentException}, or read into names and
 * sizes within a page's bounds. Never another exception, never a DTD followed.
 */
class RecordingFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void s3Listing(byte[] answer) {
        S3RecordingStore.Page page;
        try {
            page = S3RecordingStore.page(answer);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(page.objects().size() + page.folders().size()).isLessThanOrEqualTo(S3RecordingStore.MAX_PAGE_NAMES);
        page.objects().forEach(object -> {
            assertThat(object.key()).isNotNull();
            assertThat(object.bytes()).isNotNegative();
        });
        page.folders().forEach(folder -> assertThat(folder).isNotNull());
        page.next().ifPresent(next -> assertThat(next).isNotEmpty());
    }
}
