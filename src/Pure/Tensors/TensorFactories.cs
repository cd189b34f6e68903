using System.Numerics;

namespace Functional.Tensors;

/// <summary>
/// Factories for <see cref="Tensor{T}"/> that infer the element type from their arguments, so
/// <c>Tensor.FromArray([1.0, 2.0], 2)</c> is a <c>Tensor&lt;double&gt;</c> and <c>Tensor.Vector(1f, 2f)</c> a
/// <c>Tensor&lt;float&gt;</c>. Each is the <see cref="Tensor{T}"/> member of the same name.
/// </summary>
public static class Tensor
{
    /// <summary>Copies <paramref name="values"/> (row-major) into a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor<T> FromArray<T>(ReadOnlySpan<T> values, params ReadOnlySpan<int> shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Shape(shape);
        if (s.Length != values.Length)
        {
            throw new ArgumentException(
                $"Tensor.FromArray: shape {s} needs {s.Length} values, got {values.Length}.", nameof(values));
        }
        return new Tensor<T>(s, values.ToArray());
    }

    /// <summary>Copies a rectangular array into a tensor of shape [rows, columns].</summary>
    public static Tensor<T> FromMatrix<T>(T[,] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new T[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                data[(i * cols) + j] = values[i, j];
            }
        }
        return new Tensor<T>(new Shape(rows, cols), data);
    }

    /// <summary>Copies jagged rows of equal length into a tensor of shape [rows, columns].</summary>
    /// <exception cref="ArgumentException">There are no rows, or the rows differ in length.</exception>
    public static Tensor<T> FromRows<T>(IReadOnlyList<T[]> rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("Tensor.FromRows: expected at least one row, got none.", nameof(rows));
        }
        var cols = rows[0].Length;
        var data = new T[rows.Count * cols];
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
        return new Tensor<T>(new Shape(rows.Count, cols), data);
    }

    /// <summary>A rank-1 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor<T> Vector<T>(params ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T> => new(new Shape(values.Length), values.ToArray());

    /// <summary>A rank-0 tensor holding one value.</summary>
    public static Tensor<T> Scalar<T>(T value)
        where T : unmanaged, IFloatingPointIeee754<T> => new(new Shape(), [value]);

    /// <summary>A tensor of the given shape filled with zeros.</summary>
    public static Tensor<T> Zeros<T>(params ReadOnlySpan<int> shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Shape(shape);
        return new Tensor<T>(s, new T[s.Length]);
    }

    /// <summary>A tensor of the given shape with every element equal to <paramref name="value"/>.</summary>
    public static Tensor<T> Filled<T>(T value, params ReadOnlySpan<int> shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Shape(shape);
        var data = new T[s.Length];
        Array.Fill(data, value);
        return new Tensor<T>(s, data);
    }

    /// <summary>Copies <paramref name="values"/> (row-major) into a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor<T> FromArray<T>(T[] values, params ReadOnlySpan<int> shape)
        where T : unmanaged, IFloatingPointIeee754<T> => FromArray(new ReadOnlySpan<T>(values), shape);
}
