using Functional.Data;
using Functional.Initializers;
using Functional.Kernels;
using Functional.Networks;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Training;

/// <summary>
/// Training feeds the first layer a batch of images as their pixels (<see cref="PixelBatch"/>). Every result must
/// have the bits the same step gives on the batch's float features: the products, and whole SGD steps.
/// </summary>
public class PixelBatchTests
{
    // Mostly zero pixels, as images have, so the products' zero skipping is exercised too.
    private static byte[] Pixels(RngKey key, int count)
    {
        var u = Sample.Uniform(key, 0, 1, count).Span;
        var pixels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            pixels[i] = u[i] < 0.7 ? (byte)0 : (byte)(u[i] * 1000 % 256);
        }
        return pixels;
    }

    [Theory]
    [InlineData(100, 784, 50)]   // the first layer's shape: zero skipping, two threads
    [InlineData(37, 129, 45)]    // leftover rows and columns, a run open at a 64-bit word's end
    [InlineData(3, 5, 7)]        // too small to look for zeros
    public void Products_on_pixels_equal_products_on_their_values_in_both_precisions(int m, int k, int n)
    {
        var key = RngKey.FromSeed((ulong)(m * k * n));
        var pixels = Pixels(key.FoldIn(1), m * k);
        var b = Sample.Normal(key.FoldIn(2), k, n).ToArray();
        var dOut = Sample.Normal(key.FoldIn(3), m, n).ToArray();
        var p = Sample.Normal(key.FoldIn(4), k, n).ToArray();
        var values = pixels.Select(v => PixelScaling.Table[v]).ToArray();
        var batch = new PixelBatch(pixels, m, k);

        Assert.Equal(MatrixKernels.MatMul(values, b, m, k, n), MatrixKernels.MatMul(batch.AsOperand<double>(), b, m, k, n));
        Assert.Equal(MatrixKernels.MatMulTransposeASubtractedFrom(p, 0.1, values, dOut, m, k, n),
            MatrixKernels.MatMulTransposeASubtractedFrom(p, 0.1, batch.AsOperand<double>(), dOut, m, k, n));

        float[] values32 = [.. pixels.Select(v => PixelScaling.Table32[v])], b32 = [.. b.Select(v => (float)v)];
        float[] dOut32 = [.. dOut.Select(v => (float)v)], p32 = [.. p.Select(v => (float)v)];
        Assert.Equal(MatrixKernels.MatMul(values32, b32, m, k, n), MatrixKernels.MatMul(batch.AsOperand<float>(), b32, m, k, n));
        Assert.Equal(MatrixKernels.MatMulTransposeASubtractedFrom(p32, 0.1f, values32, dOut32, m, k, n),
            MatrixKernels.MatMulTransposeASubtractedFrom(p32, 0.1f, batch.AsOperand<float>(), dOut32, m, k, n));
    }

    [Fact]
    public void An_SGD_step_on_pixels_has_the_bits_of_one_on_the_float_batch_in_both_precisions()
    {
        const int Batch = 40, Features = 200;
        var key = RngKey.FromSeed(7);
        var pixels = Pixels(key.FoldIn(1), Batch * Features);
        var network = Network.Sequential([Features, 30, 10]);
        var parameters = Mlp.Init(network, key.FoldIn(2), new NormalInit(0.1));
        var labels = Functional.Losses.Labels.FromIndices([.. Enumerable.Range(0, Batch).Select(i => i % 10)]);
        var x = Tensor.FromArray([.. pixels.Select(v => PixelScaling.Table[v])], Batch, Features);

        var onValues = Mlp.SgdStep(network, parameters, x, labels, 0.1);
        var onPixels = Mlp.SgdStepOnPixels(network, parameters, new PixelBatch(pixels, Batch, Features), labels, 0.1);
        Assert.Equal(BitConverter.DoubleToInt64Bits(onValues.Loss), BitConverter.DoubleToInt64Bits(onPixels.Loss));
        Assert.Equal(onValues.Updated, onPixels.Updated);

        var rounded = parameters.Convert<float>();
        var x32 = Tensor.FromArray([.. pixels.Select(v => PixelScaling.Table32[v])], Batch, Features);
        var onValues32 = Mlp.SgdStep(network, rounded, x32, labels, 0.1);
        var onPixels32 = Mlp.SgdStepOnPixels(network, rounded, new PixelBatch(pixels, Batch, Features), labels, 0.1);
        Assert.Equal(BitConverter.DoubleToInt64Bits(onValues32.Loss), BitConverter.DoubleToInt64Bits(onPixels32.Loss));
        Assert.Equal(onValues32.Updated, onPixels32.Updated);
    }

    [Fact]
    public void A_pixel_batch_narrower_than_the_layer_is_refused_with_both_widths()
    {
        var network = Network.Sequential([8, 4, 2]);
        var parameters = Mlp.Init(network, RngKey.FromSeed(1), new NormalInit(0.1));
        var error = Assert.Throws<ArgumentException>(() =>
            Mlp.SgdStepOnPixels(network, parameters, new PixelBatch(new byte[12], 2, 6), Functional.Losses.Labels.FromIndices(0, 1), 0.1));
        Assert.Contains("Affine.Forward: the pixel batch must have 8 features per sample, got [2, 6]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pixel_table_without_an_entry_for_every_byte_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Operand<double>.Pixels(new byte[4], new double[255]));
        Assert.Contains("the table needs 256 entries, got 255", error.Message, StringComparison.Ordinal);
    }
}
