using MathNet.Numerics.LinearAlgebra;

namespace Functional.Tensors;

/// <summary>
/// Copies between tensors and MathNet.Numerics matrices and vectors. MathNet's types are mutable, so every
/// conversion copies: changing the matrix afterwards never changes the tensor, nor the reverse.
/// </summary>
public static class MathNetInterop
{
    /// <summary>A tensor of shape [rows, columns] holding a copy of the matrix.</summary>
    public static Tensor<double> ToTensor(this Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new Tensor<double>(new Shape(matrix.RowCount, matrix.ColumnCount), matrix.ToRowMajorArray());
    }

    /// <summary>A tensor of shape [count] holding a copy of the vector.</summary>
    public static Tensor<double> ToTensor(this Vector<double> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return new Tensor<double>(new Shape(vector.Count), vector.ToArray());
    }

    /// <summary>A new dense matrix holding a rank-2 tensor.</summary>
    /// <exception cref="ArgumentException">The tensor is not of rank 2.</exception>
    public static Matrix<double> ToMatrix(this Tensor<double> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != 2)
        {
            throw new ArgumentException($"MathNetInterop.ToMatrix: expected a rank-2 tensor, got shape {tensor.Shape}.", nameof(tensor));
        }
        return Matrix<double>.Build.DenseOfRowMajor(tensor.Shape[0], tensor.Shape[1], tensor.ToArray());
    }

    /// <summary>A new dense vector holding a rank-1 tensor.</summary>
    /// <exception cref="ArgumentException">The tensor is not of rank 1.</exception>
    public static Vector<double> ToVector(this Tensor<double> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != 1)
        {
            throw new ArgumentException($"MathNetInterop.ToVector: expected a rank-1 tensor, got shape {tensor.Shape}.", nameof(tensor));
        }
        return Vector<double>.Build.DenseOfArray(tensor.ToArray());
    }
}
