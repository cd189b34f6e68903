using System.Numerics;
using Functional.Tensors;

namespace Functional.Validation;

/// <summary>Boundary checks that throw <see cref="ArgumentException"/>s naming the operation, the expected and the actual value.</summary>
internal static class Require
{
    public static void NotNull(string operation, string name, object? value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name, $"{operation}: {name} must not be null.");
        }
    }

    public static void SameShape<T>(string operation, string expectedName, Shape expected, string actualName, Tensor<T> actual)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NotNull(operation, actualName, actual);
        if (actual.Shape != expected)
        {
            throw new ArgumentException(
                $"{operation}: {actualName} must have the shape of {expectedName}, {expected}, but has shape {actual.Shape}.",
                actualName);
        }
    }

    public static void Rank<T>(string operation, string name, Tensor<T> value, int rank)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NotNull(operation, name, value);
        if (value.Rank != rank)
        {
            throw new ArgumentException(
                $"{operation}: {name} must have rank {rank}, but has shape {value.Shape} (rank {value.Rank}).", name);
        }
    }

    public static void NotEmpty<T>(string operation, string name, Tensor<T> value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NotNull(operation, name, value);
        if (value.Length == 0)
        {
            throw new ArgumentException($"{operation}: {name} must not be empty, but has shape {value.Shape}.", name);
        }
    }

    public static void Finite(string operation, string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{operation}: {name} must be finite, got {value}.", name);
        }
    }
}
