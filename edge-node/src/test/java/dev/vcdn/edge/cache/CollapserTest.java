package dev.vcdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CollapserTest {

    @Test
    void concurrentRequestsForOneKeyShareOneFetch() {
        Collapser<String, String> collapser = new Collapser<>();
        AtomicInteger fetches = new AtomicInteger();
        Promise<String> upstream = Promise.promise();
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(collapser.get("/live/a/720p/3.1.m4s", () -> {
                fetches.incrementAndGet();
                return upstream.future();
            }));
        }
        assertThat(fetches).hasValue(1);
        assertThat(collapser.collapsed()).isEqualTo(199);
        assertThat(collapser.inFlight()).isEqualTo(1);
        upstream.complete("bytes");
        assertThat(answers).allMatch(answer -> "bytes".equals(answer.result()));
        assertThat(collapser.inFlight()).as("forgotten once done").isZero();
        collapser.get("/live/a/720p/3.1.m4s", () -> {
            fetches.incrementAndGet();
            return Future.succeededFuture("again");
        });
        assertThat(fetches).as("a later miss fetches anew").hasValue(2);
    }

    @Test
    void aFailedFetchFailsEveryWaiterAndIsNotKept() {
        Collapser<String, String> collapser = new Collapser<>();
        Promise<String> upstream = Promise.promise();
        Future<String> first = collapser.get("k", upstream::future);
        Future<String> second = collapser.get("k", () -> Future.succeededFuture("never asked"));
        upstream.fail("origin down");
        assertThat(first.failed()).isTrue();
        assertThat(second.failed()).isTrue();
        assertThat(collapser.inFlight()).isZero();
    }
}
