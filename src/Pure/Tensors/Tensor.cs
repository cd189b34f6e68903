using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Functional.Tensors;

/// <summary>
/// An immutable array of <typeparamref name="T"/> values (<see cref="double"/> or <see cref="float"/>) with a
/// <see cref="Tensors.Shape"/>, stored row-major. Every factory copies its input and no member exposes writable
/// storage, so a tensor can never change after it was created or returned. Equality is bitwise: two tensors are equal
/// when their shapes match and every element has the same bits (so NaN equals NaN, and 0.0 differs from -0.0).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Tensor<T> : IEquatable<Tensor<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // The elements, row-major. Never written after construction.
    private readonly T[] _data;

    // Takes ownership of `data`: only code in this assembly that never touches `data` again may call it.
    internal Tensor(Shape shape, T[] data)
    {
        if (shape.Length != data.Length)
        {
            throw new ArgumentException($"Tensor: shape {shape} needs {shape.Length} values, got {data.Length}.", nameof(data));
        }
        Shape = shape;
        _data = data;
    }

    private T[] Data => _data;

    /// <summary>The dimensions, outermost first.</summary>
    public Shape Shape { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>A read-only view of the elements in row-major order.</summary>
    public ReadOnlySpan<T> Span => Data;

    // The backing array, for kernels in this assembly that only read it. Never written after construction.
    internal T[] Storage => Data;

    /// <summary>The element at a row-major <paramref name="index"/> with one entry per dimension.</summary>
    /// <exception cref="ArgumentException">The index has the wrong number of entries.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry is outside its dimension.</exception>
    public T this[params int[] index] => Data[FlatIndex(index)];

    /// <summary>The same elements viewed with another shape of equal length. No copy is made; none is needed.</summary>
    /// <exception cref="ArgumentException">The new shape holds a different number of elements.</exception>
    public Tensor<T> Reshape(params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        return s.Length == Length
            ? new Tensor<T>(s, Data)
            : throw new ArgumentException($"Tensor.Reshape: cannot view {Shape} ({Length} elements) as {s} ({s.Length} elements).", nameof(shape));
    }

    /// <summary>
    /// The same shape with every element converted to <typeparamref name="TOther"/>, rounded to nearest (exact when
    /// widening float32 to float64); this tensor itself when the types are the same.
    /// </summary>
    /// <typeparam name="TOther">The element type to convert to.</typeparam>
    public Tensor<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther> => Conversions.Convert<T, TOther>(this);

    /// <summary>The only element of a one-element tensor, such as a <see cref="Tensor.Scalar{T}(T)"/>.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not hold exactly one element.</exception>
    public T ToScalar() => Length == 1
        ? Data[0]
        : throw new InvalidOperationException($"Tensor.ToScalar: expected exactly one element, got shape {Shape}.");

    /// <summary>A new array holding the elements in row-major order.</summary>
    public T[] ToArray() => (T[])Data.Clone();

    /// <summary>A new rectangular array holding a rank-2 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not of rank 2.</exception>
    public T[,] ToMatrix()
    {
        if (Rank != 2)
        {
            throw new InvalidOperationException($"Tensor.ToMatrix: expected a rank-2 tensor, got shape {Shape}.");
        }
        int rows = Shape[0], cols = Shape[1];
        var result = new T[rows, cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                result[i, j] = Data[(i * cols) + j];
            }
        }
        return result;
    }

    /// <summary>True when the shapes match and every element has the same bits.</summary>
    public bool Equals(Tensor<T>? other) =>
        other is not null && other.Shape == Shape
        && MemoryMarshal.AsBytes(Span).SequenceEqual(MemoryMarshal.AsBytes(other.Span));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Tensor<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Shape);
        hash.AddBytes(MemoryMarshal.AsBytes(Span));
        return hash.ToHashCode();
    }

    /// <summary>Bitwise equality.</summary>
    public static bool operator ==(Tensor<T>? left, Tensor<T>? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Bitwise inequality.</summary>
    public static bool operator !=(Tensor<T>? left, Tensor<T>? right) => !(left == right);

    /// <summary>Nested brackets with round-trip values, e.g. <c>[[1, -0.5], [-2, 3]]</c>; long tensors are cut short.</summary>
    public override string ToString()
    {
        const int MaxShown = 64;
        if (Length > MaxShown)
        {
            return $"Tensor{Shape} [{string.Join(", ", Data[..8].Select(Format))}, …]";
        }
        var text = new StringBuilder();
        var position = 0;
        Append(text, 0, ref position);
        return text.ToString();
    }

    private void Append(StringBuilder text, int axis, ref int position)
    {
        if (axis == Rank)
        {
            text.Append(Format(Data[position++]));
            return;
        }
        text.Append('[');
        for (var i = 0; i < Shape[axis]; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            Append(text, axis + 1, ref position);
        }
        text.Append(']');
    }

    private static string Format(T v) => v.ToString("R", CultureInfo.InvariantCulture);

    private int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Rank)
        {
            throw new ArgumentException($"Tensor index: expected {Rank} indices for shape {Shape}, got {index.Length}.", nameof(index));
        }
        var flat = 0;
        for (var axis = 0; axis < Rank; axis++)
        {
            if ((uint)index[axis] >= (uint)Shape[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(index),
                    $"Tensor index: index {index[axis]} on axis {axis} is outside shape {Shape}.");
            }
            flat = (flat * Shape[axis]) + index[axis];
        }
        return flat;
    }
}
