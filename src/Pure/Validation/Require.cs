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

    public static void SameShape(string operation, string expectedName, Shape expected, string actualName, Tensor<double> actual)
    {
        NotNull(operation, actualName, actual);
        if (actual.Shape != expected)
        {
            throw new ArgumentException(
                $"{operation}: {actualName} must have the shape of {expectedName}, {expected}, but has shape {actual.Shape}.",
                actualName);
        }
    }

    public static void Rank(string operation, string name, Tensor<double> value, int rank)
    {
        NotNull(operation, name, value);
        if (value.Rank != rank)
        {
            throw new ArgumentException(
                $"{operation}: {name} must have rank {rank}, but has shape {value.Shape} (rank {value.Rank}).", name);
        }
    }

    public static void NotEmpty(string operation, string name, Tensor<double> value)
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
