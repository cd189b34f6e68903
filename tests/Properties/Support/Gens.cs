using FsCheck;
using FsCheck.Fluent;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Support;

/// <summary>Generators of shapes, values and tensors for the layer properties.</summary>
public static class Gens
{
    /// <summary>Short decimals k/64 in [−4, 4]: exact in binary, so inputs print and replay exactly.</summary>
    public static Gen<double> Value { get; } = Gen.Choose(-256, 256).Select(k => k / 64.0);

    /// <summary>Values at least 1/64 from 0, so x ± h (h = 1e-5) never crosses ReLU's kink.</summary>
    public static Gen<double> AwayFromZero { get; } =
        Gen.Zip(Gen.Choose(1, 256), Gen.Elements(-1.0, 1.0), (k, sign) => sign * k / 64.0);

    /// <summary>A key for random directions and other draws inside a property.</summary>
    public static Gen<RngKey> Key { get; } =
        Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, int.MaxValue), (hi, lo) => RngKey.FromSeed(((ulong)hi << 32) | (uint)lo));

    /// <summary>[batch, features] with batch 1–8 and features 1–16.</summary>
    public static Gen<int[]> Matrix { get; } = Gen.Zip(Gen.Choose(1, 8), Gen.Choose(1, 16), (b, f) => new[] { b, f });

    /// <summary>Shapes of rank 1–4 with at most 64 elements, for elementwise operations.</summary>
    public static Gen<int[]> AnyShape { get; } =
        from rank in Gen.Choose(1, 4)
        from dims in Gen.ArrayOf(Gen.Choose(1, rank switch { 1 => 16, 2 => 8, 3 => 4, _ => 3 }), rank)
        select dims;

    /// <summary>Affine inputs of rank 2–4: batch 1–8, then feature dimensions whose product is 1–16.</summary>
    public static Gen<int[]> AffineInput { get; } =
        from batch in Gen.Choose(1, 8)
        from rank in Gen.Choose(2, 4)
        from features in rank switch
        {
            2 => Gen.Choose(1, 16).Select(f => new[] { f }),
            3 => Gen.ArrayOf(Gen.Choose(1, 4), 2),
            _ => from a in Gen.Choose(1, 4) from b in Gen.Choose(1, 2) from c in Gen.Choose(1, 2) select new[] { a, b, c },
        }
        select new[] { batch }.Concat(features).ToArray();

    /// <summary>A tensor of the given shape with values from <paramref name="values"/> (default <see cref="Value"/>).</summary>
    public static Gen<Tensor> TensorOf(int[] shape, Gen<double>? values = null) =>
        Gen.ArrayOf(values ?? Value, shape.Aggregate(1, (a, b) => a * b)).Select(data => Tensor.FromArray(data, shape));
}
