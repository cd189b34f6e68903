using Functional.Tensors;

namespace Functional.Properties.Tests.Float32;

/// <summary>Conversions from the flat float64 arrays the generators draw to float32 tensors.</summary>
internal static class Float32Values
{
    /// <summary>The values rounded to float32, as a [rows, columns] tensor.</summary>
    public static Tensor<float> Matrix(ReadOnlySpan<double> values, int rows, int columns) => Tensor.FromArray(values, rows, columns).Convert<float>();

    /// <summary>A float64 tensor rounded to float32, as a float32 layer takes it.</summary>
    public static Tensor<float> F(Tensor<double> values) => values.Convert<float>();
}
