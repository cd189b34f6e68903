using System.Numerics;
using Functional.Kernels;

namespace Functional.Data;

/// <summary>
/// A training batch of images as the bytes they are stored as, [Rows, Features] row-major: the first layer reads
/// pixel p as p / 255 from <see cref="PixelScaling"/>'s tables, the same values a float batch would hold, in an
/// eighth of the memory of float64 features. Internal: it lives only inside a training step.
/// </summary>
internal sealed record PixelBatch(byte[] Pixels, int Rows, int Features)
{
    /// <summary>The batch as a product's left operand in float64 or float32.</summary>
    public Operand<T> AsOperand<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? Operand<T>.Pixels(Pixels, (T[])(object)PixelScaling.Table)
        : typeof(T) == typeof(float) ? Operand<T>.Pixels(Pixels, (T[])(object)PixelScaling.Table32)
        : throw new NotSupportedException($"PixelBatch: no pixel table for {typeof(T).Name}.");
}
