using System.Numerics;
using Functional.Tensors;

namespace Functional.Properties.Tests.Support;

/// <summary>Checks that an operation leaves its tensor arguments bit-identical and repeats its result bit for bit.</summary>
public static class Purity
{
    /// <summary>
    /// Runs <paramref name="operation"/> twice; asserts each argument still equals a copy taken before, and that
    /// both runs' results are equal (records compare their tensors bitwise).
    /// </summary>
    public static void Check<T, TElement>(string what, Func<T> operation, params Tensor<TElement>[] arguments)
        where TElement : unmanaged, IFloatingPointIeee754<TElement>
    {
        var copies = arguments.Select(a => Tensor.FromArray(a.ToArray(), [.. a.Shape.Dims])).ToArray();
        var first = operation();
        var second = operation();
        for (var i = 0; i < arguments.Length; i++)
        {
            Assert.True(copies[i].Equals(arguments[i]), $"{what} changed argument {i}: was {copies[i]}, now {arguments[i]}.");
        }
        Assert.True(Same(first, second), $"{what} gave different results for the same inputs: {first} then {second}.");
    }

    private static bool Same<T>(T first, T second) => first switch
    {
        double a when second is double b => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
        float a when second is float b => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b),
        _ => EqualityComparer<T>.Default.Equals(first, second),
    };
}
