using System.Globalization;
using System.Text;

namespace Functional.Tensors;

/// <summary>
/// An immutable array of float64 values with a <see cref="Tensors.Shape"/>, stored row-major.
/// Every factory copies its input and no member exposes writable storage, so a tensor can never change after it
/// was created or returned. Equality is bitwise: two tensors are equal when their shapes match and every element
/// has the same bits (so NaN equals NaN, and 0.0 differs from -0.0).
/// </summary>
public sealed class Tensor : IEquatable<Tensor>
{
    // The elements. For a tensor made from float32 values, filled in from _single the first time it is read (the
    // same values, exactly: widening is exact), so the float32 path never pays for a conversion it does not use.
    private double[]? _data;

    // The elements as float32 values, for tensors the float32 path makes; null otherwise.
    private readonly float[]? _single;

    // Takes ownership of `data`: only code in this assembly that never touches `data` again may call it.
    internal Tensor(Shape shape, double[] data)
    {
        if (shape.Length != data.Length)
        {
            throw new ArgumentException($"Tensor: shape {shape} needs {shape.Length} values, got {data.Length}.", nameof(data));
        }
        Shape = shape;
        _data = data;
    }

    // Takes ownership of `single`, as above: a tensor holding float32 values, widened to float64 when first read.
    internal Tensor(Shape shape, float[] single)
    {
        if (shape.Length != single.Length)
        {
            throw new ArgumentException($"Tensor: shape {shape} needs {shape.Length} values, got {single.Length}.", nameof(single));
        }
        Shape = shape;
        _single = single;
    }

    private double[] Data => _data ?? Widened();

    // The float32 values, when this tensor was made from them (nothing to convert back); else null. Never written.
    internal float[]? Single => _single;

    private double[] Widened()
    {
        Interlocked.CompareExchange(ref _data, Conversions.Widen(_single!), null);
        return _data!;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public Shape Shape { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>A read-only view of the elements in row-major order.</summary>
    public ReadOnlySpan<double> Span => Data;

    // The backing array, for kernels in this assembly that only read it. Never written after construction.
    internal double[] Storage => Data;

    /// <summary>The element at a row-major <paramref name="index"/> with one entry per dimension.</summary>
    /// <exception cref="ArgumentException">The index has the wrong number of entries.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry is outside its dimension.</exception>
    public double this[params int[] index] => Data[FlatIndex(index)];

    /// <summary>Copies <paramref name="values"/> (row-major) into a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor FromArray(ReadOnlySpan<double> values, params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        if (s.Length != values.Length)
        {
            throw new ArgumentException(
                $"Tensor.FromArray: shape {s} needs {s.Length} values, got {values.Length}.", nameof(values));
        }
        return new Tensor(s, values.ToArray());
    }

    /// <summary>Copies a rectangular array into a tensor of shape [rows, columns].</summary>
    public static Tensor FromMatrix(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new double[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                data[(i * cols) + j] = values[i, j];
            }
        }
        return new Tensor(new Shape(rows, cols), data);
    }

    /// <summary>Copies jagged rows of equal length into a tensor of shape [rows, columns].</summary>
    /// <exception cref="ArgumentException">There are no rows, or the rows differ in length.</exception>
    public static Tensor FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("Tensor.FromRows: expected at least one row, got none.", nameof(rows));
        }
        var cols = rows[0].Length;
        var data = new double[rows.Count * cols];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != cols)
            {
                throw new ArgumentException(
                    $"Tensor.FromRows: expected every row to have {cols} values (as row 0), row {i} has {rows[i].Length}.",
                    nameof(rows));
            }
            rows[i].CopyTo(data, i * cols);
        }
        return new Tensor(new Shape(rows.Count, cols), data);
    }

    /// <summary>A rank-1 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor Vector(params ReadOnlySpan<double> values) => new(new Shape(values.Length), values.ToArray());

    /// <summary>A rank-0 tensor holding one value.</summary>
    public static Tensor Scalar(double value) => new(new Shape(), [value]);

    /// <summary>A tensor of the given shape filled with zeros.</summary>
    public static Tensor Zeros(params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        return new Tensor(s, new double[s.Length]);
    }

    /// <summary>A tensor of the given shape with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Filled(double value, params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        var data = new double[s.Length];
        Array.Fill(data, value);
        return new Tensor(s, data);
    }

    /// <summary>The same elements viewed with another shape of equal length. No copy is made; none is needed.</summary>
    /// <exception cref="ArgumentException">The new shape holds a different number of elements.</exception>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        return s.Length == Length
            ? (_single is not null && _data is null ? new Tensor(s, _single) : new Tensor(s, Data))
            : throw new ArgumentException($"Tensor.Reshape: cannot view {Shape} ({Length} elements) as {s} ({s.Length} elements).", nameof(shape));
    }

    /// <summary>The only element of a one-element tensor, such as a <see cref="Scalar"/>.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not hold exactly one element.</exception>
    public double ToScalar() => Length == 1
        ? Data[0]
        : throw new InvalidOperationException($"Tensor.ToScalar: expected exactly one element, got shape {Shape}.");

    /// <summary>A new array holding the elements in row-major order.</summary>
    public double[] ToArray() => (double[])Data.Clone();

    /// <summary>A new rectangular array holding a rank-2 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not of rank 2.</exception>
    public double[,] ToMatrix()
    {
        if (Rank != 2)
        {
            throw new InvalidOperationException($"Tensor.ToMatrix: expected a rank-2 tensor, got shape {Shape}.");
        }
        int rows = Shape[0], cols = Shape[1];
        var result = new double[rows, cols];
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
    public bool Equals(Tensor? other)
    {
        if (other is null || other.Shape != Shape)
        {
            return false;
        }
        var (mine, theirs) = (Data, other.Data);
        for (var i = 0; i < mine.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(mine[i]) != BitConverter.DoubleToInt64Bits(theirs[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Tensor);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Shape);
        foreach (var v in Data)
        {
            hash.Add(BitConverter.DoubleToInt64Bits(v));
        }
        return hash.ToHashCode();
    }

    /// <summary>Bitwise equality.</summary>
    public static bool operator ==(Tensor? left, Tensor? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Bitwise inequality.</summary>
    public static bool operator !=(Tensor? left, Tensor? right) => !(left == right);

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

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

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
