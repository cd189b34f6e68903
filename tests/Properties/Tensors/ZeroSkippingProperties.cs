using CsCheck;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Tensors;

/// <summary>
/// The products skip steps whose A values are all zero (images are mostly zero pixels). These properties feed them
/// inputs that are mostly +0 and −0, with values whose products round (so a changed order or a dropped term would
/// show), and sometimes ∞ and NaN on either side, and require the plain loops' bits: Forward (x·W), Backward
/// (dW = xᵀ·dOut and dx = dOut·Wᵀ), in float64 and float32, on shapes that reach the 8-row, 4-row and single-row
/// blocks and every column path.
/// </summary>
public class ZeroSkippingProperties
{
    private sealed record Case(int Batch, int In, int Out, double[] X, double[] W, double[] DOut)
    {
        // The arrays' contents, not their type names, in a failure message.
        public override string ToString() =>
            $"Case {{ x [{Batch}, {In}] = {Check.Print(X)}, W [{In}, {Out}] = {Check.Print(W)}, dOut [{Batch}, {Out}] = {Check.Print(DOut)} }}";
    }

    // Mostly zeros of both signs; otherwise values with long mantissas, so sums round.
    private static readonly Gen<double> Sparse = Gen.Frequency(
        (5, Gen.OneOf(0.0, -0.0)),
        (4, Gen.Int[-1_000_000, 1_000_000].Select(k => k / 997.0)));

    // As Sparse, and now and then a value that makes 0·v NaN.
    private static readonly Gen<double> SparseOrSpecial = Gen.Frequency(
        (60, Sparse),
        (1, Gen.OneOf(double.PositiveInfinity, double.NegativeInfinity, double.NaN)));

    // Products look for zero steps only from 2¹⁶ multiply-adds on, so most cases are that large (128 inputs: a run
    // still open at the last step, at a 64-bit word's end); the rest take every block shape on small products.
    private static readonly Gen<(int Batch, int In, int Out)> Shapes = Gen.Frequency(
        (3, from batch in Gen.Int[25, 41] from inputs in Gen.Frequency((4, Gen.Int[80, 120]), (1, Gen.Const(128))) from outputs in Gen.Int[34, 45] select (batch, inputs, outputs)),
        (1, from batch in Gen.Int[1, 21] from inputs in Gen.Int[1, 40] from outputs in Gen.Int[1, 37] select (batch, inputs, outputs)));

    private static readonly Gen<Case> Inputs =
        from shape in Shapes
        let batch = shape.Batch
        let inputs = shape.In
        let outputs = shape.Out
        from special in Gen.OneOf(false, false, true)
        from x in (special ? SparseOrSpecial : Sparse).Array[batch * inputs]
        from deadInputs in Gen.Bool.Array[inputs]
        from w in (special ? SparseOrSpecial : Sparse).Array[inputs * outputs]
        from dOut in (special ? SparseOrSpecial : Sparse).Array[batch * outputs]
        from deadOutputs in Gen.Bool.Array[outputs]
        select new Case(batch, inputs, outputs, Dead(x, inputs, deadInputs), w, Dead(dOut, outputs, deadOutputs));

    // Whole columns of zeros, as an image's border pixels are in every sample: without them a block of rows rarely
    // has a step whose values are all zero, and the products would find A dense and stop looking.
    private static double[] Dead(double[] values, int columns, bool[] dead) =>
        [.. values.Select((v, i) => dead[i % columns] ? 0.0 : v)];

    [Fact]
    public void Float64_products_equal_plain_loops_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (y, cache) = Affine.Forward(new AffineParams<double>(Tensor.FromArray(c.W, c.In, c.Out), Tensor.Zeros<double>(c.Out)), Tensor.FromArray(c.X, c.Batch, c.In));
        var g = Affine.Backward(cache, Tensor.FromArray(c.DOut, c.Batch, c.Out));
        var (expectedY, expectedDW, expectedDx) = PlainLoops<double>(c);
        AssertSameBits("x·W", expectedY, y.ToArray());
        AssertSameBits("xᵀ·dOut", expectedDW, g.DW.ToArray());
        AssertSameBits("dOut·Wᵀ", expectedDx, g.Dx.ToArray());
    }, runs: 300);

    [Fact]
    public void Float32_products_equal_plain_loops_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var p = new AffineParams<float>(Tensor.FromArray(Floats(c.W), c.In, c.Out), Tensor.FromArray(new float[c.Out], c.Out));
        var (y, cache) = Affine.Forward(p, Tensor.FromArray(Floats(c.X), c.Batch, c.In));
        var g = Affine.Backward(cache, Tensor.FromArray(Floats(c.DOut), c.Batch, c.Out));
        var (expectedY, expectedDW, expectedDx) = PlainLoops<float>(c);
        AssertSameBits("x·W", expectedY, y.ToArray());
        AssertSameBits("xᵀ·dOut", expectedDW, g.DW.ToArray());
        AssertSameBits("dOut·Wᵀ", expectedDx, g.Dx.ToArray());
    }, runs: 300);

    private static float[] Floats(double[] values) => [.. values.Select(v => (float)v)];

    // Each sum from +0 over the whole index range in order, a multiply then an add, the bias (+0) added after.
    private static (T[] Y, T[] DW, T[] Dx) PlainLoops<T>(Case c) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T[] x = [.. c.X.Select(T.CreateTruncating)], w = [.. c.W.Select(T.CreateTruncating)], d = [.. c.DOut.Select(T.CreateTruncating)];
        var y = new T[c.Batch * c.Out];
        var dW = new T[c.In * c.Out];
        var dx = new T[c.Batch * c.In];
        for (var i = 0; i < c.Batch; i++)
        {
            for (var j = 0; j < c.Out; j++)
            {
                var sum = T.Zero;
                for (var k = 0; k < c.In; k++)
                {
                    var product = x[(i * c.In) + k] * w[(k * c.Out) + j];
                    sum += product;
                }
                y[(i * c.Out) + j] = sum + T.Zero;
            }
            for (var k = 0; k < c.In; k++)
            {
                var sum = T.Zero;
                for (var j = 0; j < c.Out; j++)
                {
                    var product = d[(i * c.Out) + j] * w[(k * c.Out) + j];
                    sum += product;
                }
                dx[(i * c.In) + k] = sum;
            }
        }
        for (var k = 0; k < c.In; k++)
        {
            for (var j = 0; j < c.Out; j++)
            {
                var sum = T.Zero;
                for (var i = 0; i < c.Batch; i++)
                {
                    var product = x[(i * c.In) + k] * d[(i * c.Out) + j];
                    sum += product;
                }
                dW[(k * c.Out) + j] = sum;
            }
        }
        return (y, dW, dx);
    }

    private static void AssertSameBits<T>(string product, T[] expected, T[] actual) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            // NaN is NaN, whatever its payload; everything else, −0 included, must match exactly.
            var same = T.IsNaN(expected[i]) ? T.IsNaN(actual[i]) : expected[i].Equals(actual[i]) && T.IsNegative(expected[i]) == T.IsNegative(actual[i]);
            Assert.True(same, $"{product}: element {i} is {actual[i]}, the plain loop gives {expected[i]}");
        }
    }
}
