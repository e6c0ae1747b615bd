package dev.vcdn.shared.hls;

import java.util.Optional;

/**
 * {@code #EXT-X-SERVER-CONTROL}: what the server offers its clients.
 *
 * @param canBlockReload    {@code _HLS_msn}/{@code _HLS_part} requests are held until the part exists
 * @param canSkipUntil      delta updates may skip segments older than this many seconds from the live edge
 * @param canSkipDateRanges {@code _HLS_skip=v2} also skips date ranges
 * @param holdBack          seconds from the live edge a client without parts should start
 * @param partHoldBack      seconds from the live edge a client using parts should start
 */
public record ServerControl(boolean canBlockReload, Optional<Double> canSkipUntil, boolean canSkipDateRanges,
                            Optional<Double> holdBack, Optional<Double> partHoldBack) {
}
