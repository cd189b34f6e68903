using Functional.Kernels;

namespace Functional.Unit.Tests.Kernels;

/// <summary>Pixels become byte / 255 with the same bits on every path: vectorised, table and the division itself.</summary>
public class PixelScalingTests
{
    // Every byte value, at every offset within a 16-byte vector, and a tail shorter than a vector.
    private static byte[] AllBytes()
    {
        var pixels = new byte[(256 * 17) + 7];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 7) + (i / 256));
        }
        return pixels;
    }

    [Fact]
    public void Float64_is_the_correctly_rounded_quotient_for_every_byte_on_both_paths()
    {
        var pixels = AllBytes();
        Assert.Equal(256, pixels.Distinct().Count());
        var vectorised = new double[pixels.Length];
        var table = new double[pixels.Length];
        PixelScaling.Scale(pixels, vectorised);
        PixelScaling.Scale(pixels, table, vectorised: false);
        for (var i = 0; i < pixels.Length; i++)
        {
            var expected = BitConverter.DoubleToInt64Bits(pixels[i] / 255.0);
            Assert.True(expected == BitConverter.DoubleToInt64Bits(vectorised[i]), $"byte {pixels[i]} at {i}: vectorised {vectorised[i]:R}, division {pixels[i] / 255.0:R}");
            Assert.True(expected == BitConverter.DoubleToInt64Bits(table[i]), $"byte {pixels[i]} at {i}: table {table[i]:R}, division {pixels[i] / 255.0:R}");
        }
    }

    [Fact]
    public void Float32_is_the_float64_quotient_rounded_for_every_byte_on_both_paths()
    {
        var pixels = AllBytes();
        var vectorised = new float[pixels.Length];
        var table = new float[pixels.Length];
        PixelScaling.Scale(pixels, vectorised);
        PixelScaling.Scale(pixels, table, vectorised: false);
        for (var i = 0; i < pixels.Length; i++)
        {
            var expected = BitConverter.SingleToInt32Bits((float)(pixels[i] / 255.0));
            Assert.True(expected == BitConverter.SingleToInt32Bits(vectorised[i]), $"byte {pixels[i]} at {i}: vectorised {vectorised[i]:R}");
            Assert.True(expected == BitConverter.SingleToInt32Bits(table[i]), $"byte {pixels[i]} at {i}: table {table[i]:R}");
        }
    }

    [Fact]
    public void A_target_shorter_than_the_pixels_is_refused_with_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => PixelScaling.Scale(new byte[20], new double[19]));
        Assert.Contains("PixelScaling.Scale: the target holds 19 values, fewer than the 20 pixels", error.Message, StringComparison.Ordinal);
    }
}
