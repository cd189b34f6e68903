using CsCheck;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Support;

/// <summary>Generators of shapes, values and tensors for the layer properties.</summary>
/// <remarks>
/// Values are built from small integers (k/64, dimensions from 1), so CsCheck's shrinking, which keeps the failing case
/// of smallest size, ends at short shapes and values near 0.
/// </remarks>
public static class Gens
{
    /// <summary>Short decimals k/64 in [−4, 4]: exact in binary, so inputs print and replay exactly.</summary>
    public static Gen<double> Value { get; } = Gen.Int[-256, 256].Select(k => k / 64.0);

    /// <summary>Values at least 1/64 from 0, so x ± h (h = 1e-5) never crosses ReLU's kink.</summary>
    public static Gen<double> AwayFromZero { get; } =
        Gen.Select(Gen.Int[1, 256], Gen.OneOf(-1.0, 1.0), (k, sign) => sign * k / 64.0);

    /// <summary>A key for random directions and other draws inside a property: any 64-bit seed.</summary>
    public static Gen<RngKey> Key { get; } = Gen.ULong.Uniform.Select(RngKey.FromSeed);

    /// <summary>[batch, features] with batch 1–8 and features 1–16.</summary>
    public static Gen<int[]> Matrix { get; } = Gen.Select(Gen.Int[1, 8], Gen.Int[1, 16], (b, f) => new[] { b, f });

    /// <summary>Shapes of rank 1–4 with at most 64 elements, for elementwise operations.</summary>
    public static Gen<int[]> AnyShape { get; } =
        from rank in Gen.Int[1, 4]
        from dims in Gen.Int[1, rank switch { 1 => 16, 2 => 8, 3 => 4, _ => 3 }].Array[rank]
        select dims;

    /// <summary>Affine inputs of rank 2–4: batch 1–8, then feature dimensions whose product is 1–16.</summary>
    public static Gen<int[]> AffineInput { get; } =
        from batch in Gen.Int[1, 8]
        from rank in Gen.Int[2, 4]
        from features in rank switch
        {
            2 => Gen.Int[1, 16].Select(f => new[] { f }),
            3 => Gen.Int[1, 4].Array[2],
            _ => Gen.Select(Gen.Int[1, 4], Gen.Int[1, 2], Gen.Int[1, 2], (a, b, c) => new[] { a, b, c }),
        }
        select new[] { batch }.Concat(features).ToArray();

    /// <summary>A tensor of the given shape with values from <paramref name="values"/> (default <see cref="Value"/>).</summary>
    public static Gen<Tensor<double>> TensorOf(int[] shape, Gen<double>? values = null) =>
        (values ?? Value).Array[shape.Aggregate(1, (a, b) => a * b)].Select(data => Tensor.FromArray(data, shape));
}
