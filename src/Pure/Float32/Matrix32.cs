using System.Globalization;
using Functional.Tensors;

namespace Functional.Float32;

/// <summary>
/// An immutable row-major float32 matrix [rows, columns]: the value of the float32 path. Factories copy their
/// input; nothing exposes writable storage; equality is bitwise.
/// </summary>
public sealed class Matrix32 : IEquatable<Matrix32>
{
    private readonly float[] _data;

    // Takes ownership of data: only for arrays no one else holds.
    internal Matrix32(int rows, int columns, float[] data)
    {
        Rows = rows;
        Columns = columns;
        _data = data;
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns { get; }

    /// <summary>The elements, row by row.</summary>
    public ReadOnlySpan<float> Span => _data;

    internal float[] Storage => _data;

    /// <summary>The element at [row, column].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the matrix.</exception>
    public float this[int row, int column] => (uint)row < (uint)Rows && (uint)column < (uint)Columns
        ? _data[(row * Columns) + column]
        : throw new ArgumentOutOfRangeException(nameof(row), $"Matrix32: index [{row}, {column}] is outside [{Rows}, {Columns}].");

    /// <summary>A [rows, columns] matrix holding a copy of <paramref name="values"/>, row by row.</summary>
    /// <exception cref="ArgumentException">The value count is not rows·columns, or a dimension is negative.</exception>
    public static Matrix32 FromArray(ReadOnlySpan<float> values, int rows, int columns)
    {
        RequireShape("Matrix32.FromArray", rows, columns);
        if (values.Length != rows * columns)
        {
            throw new ArgumentException(
                $"Matrix32.FromArray: a [{rows}, {columns}] matrix needs {rows * columns} values, got {values.Length}.", nameof(values));
        }
        return new(rows, columns, values.ToArray());
    }

    /// <summary>
    /// The tensor rounded to float32 (round to nearest even). A rank-1 tensor becomes one row; a tensor of rank ≥ 2
    /// becomes [shape[0], the product of the rest], as Affine flattens its input.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is a scalar.</exception>
    public static Matrix32 FromTensor(Tensor<double> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank == 0)
        {
            throw new ArgumentException($"Matrix32.FromTensor: expected a tensor of rank ≥ 1, got a scalar of shape {tensor.Shape}.", nameof(tensor));
        }
        var rows = tensor.Rank == 1 ? 1 : tensor.Shape[0];
        var columns = rows == 0 ? 0 : tensor.Length / rows;
        return new(rows, columns, tensor.Single ?? Conversions.Narrow(tensor.Span));   // a float32 tensor's values are shared: both are immutable
    }

    /// <summary>The matrix as a tensor [rows, columns]: exact, since every float32 is a float64.</summary>
    public Tensor<double> ToTensor() => new(new Shape(Rows, Columns), _data);   // shares the values: both are immutable

    /// <summary>The elements as a float64 tensor of <paramref name="shape"/> (for a row, shape [columns]).</summary>
    /// <exception cref="ArgumentException">The shape holds another number of elements.</exception>
    public Tensor<double> ToTensor(Shape shape)
    {
        if (shape.Length != _data.Length)
        {
            throw new ArgumentException($"Matrix32.ToTensor: shape {shape} holds {shape.Length} elements, the matrix [{Rows}, {Columns}] {_data.Length}.", nameof(shape));
        }
        return new(shape, _data);
    }

    /// <summary>A copy of the elements, row by row.</summary>
    public float[] ToArray() => (float[])_data.Clone();

    /// <summary>Same dimensions and the same bits in every element.</summary>
    public bool Equals(Matrix32? other) =>
        other is not null && other.Rows == Rows && other.Columns == Columns &&
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_data.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(other._data.AsSpan()));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Matrix32);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Rows);
        hash.Add(Columns);
        foreach (var v in _data)
        {
            hash.Add(BitConverter.SingleToInt32Bits(v));
        }
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Matrix32[{Rows}, {Columns}]");

    private static void RequireShape(string operation, int rows, int columns)
    {
        if (rows < 0 || columns < 0)
        {
            throw new ArgumentException($"{operation}: dimensions must be ≥ 0, got [{rows}, {columns}].");
        }
    }
}
