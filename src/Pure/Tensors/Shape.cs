using System.Collections.Immutable;

namespace Functional.Tensors;

/// <summary>
/// The dimensions of a <see cref="Tensor{T}"/>, outermost first (row-major). Compared by value; prints as <c>[2, 3]</c>.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    /// <summary>Creates a shape. Every dimension must be non-negative; a shape of rank 0 is a scalar.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the element count overflows.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        long length = 1;
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape: dimensions must be non-negative, got {Format(dims)}.", nameof(dims));
            }
            length *= d;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException($"Shape: {Format(dims)} has more than {Array.MaxLength} elements.", nameof(dims));
            }
        }
        Dims = [.. dims];
        Length = (int)length;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ImmutableArray<int> Dims { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int Length { get; }

    /// <summary>Dimension <paramref name="axis"/>.</summary>
    public int this[int axis] => Dims[axis];

    /// <inheritdoc/>
    public bool Equals(Shape? other) => other is not null && Dims.AsSpan().SequenceEqual(other.Dims.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in Dims)
        {
            hash.Add(d);
        }
        return hash.ToHashCode();
    }

    /// <summary>The shape as <c>[d0, d1, …]</c>.</summary>
    public override string ToString() => Format(Dims.AsSpan());

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape? left, Shape? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape? left, Shape? right) => !(left == right);

    private static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";
}
