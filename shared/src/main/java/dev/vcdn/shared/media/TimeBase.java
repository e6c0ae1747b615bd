package dev.vcdn.shared.media;

import java.math.BigInteger;

/** The unit of a timestamp as a fraction of a second, like FFmpeg's AVRational. */
public record TimeBase(int numerator, int denominator) {

    /** RTMP/FLV timestamps. */
    public static final TimeBase MILLISECONDS = new TimeBase(1, 1000);
    /** MPEG-TS (SRT) and RTP video timestamps. */
    public static final TimeBase MPEG_90KHZ = new TimeBase(1, 90_000);

    public TimeBase {
        if (numerator <= 0 || denominator <= 0) {
            throw new IllegalArgumentException("time base must be positive, got " + numerator + "/" + denominator);
        }
    }

    /** Converts {@code value} from this time base to {@code target}, rounding half up. */
    public long rescale(long value, TimeBase target) {
        if (this.equals(target)) {
            return value;
        }
        long num = (long) numerator * target.denominator;
        long den = (long) denominator * target.numerator;
        try {
            return Math.floorDiv(Math.addExact(Math.multiplyExact(value, num), den / 2), den);
        } catch (ArithmeticException overflow) {
            BigInteger scaled = BigInteger.valueOf(value).multiply(BigInteger.valueOf(num)).add(BigInteger.valueOf(den / 2));
            BigInteger[] quotient = scaled.divideAndRemainder(BigInteger.valueOf(den));
            BigInteger floor = quotient[1].signum() < 0 ? quotient[0].subtract(BigInteger.ONE) : quotient[0];
            return floor.longValueExact();
        }
    }

    @Override
    public String toString() {
        return numerator + "/" + denominator;
    }
}
