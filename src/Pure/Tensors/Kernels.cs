using System.Numerics;

namespace Functional.Tensors;

/// <summary>
/// Matrix kernels over row-major spans. Every output element is a sum taken in sequential index order
/// (vectorised across output elements, never across the summed index), with multiply and add kept separate,
/// so results are bit-identical whatever the vector width or thread count.
/// </summary>
internal static class Kernels
{
    /// <summary>C = A·B for A: [m, k], B: [k, n]; C[i, j] = Σ_p A[i, p]·B[p, j] summed over p in order.</summary>
    public static double[] MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            var row = c.AsSpan(i * n, n);
            for (var p = 0; p < k; p++)
            {
                Axpy(a[(i * k) + p], b.Slice(p * n, n), row);
            }
        }
        return c;
    }

    /// <summary>C = Aᵀ·B for A: [m, k], B: [m, n]; C[p, j] = Σ_i A[i, p]·B[i, j] summed over i in order.</summary>
    public static double[] MatMulTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int m, int k, int n)
    {
        var c = new double[k * n];
        for (var i = 0; i < m; i++)
        {
            var bRow = b.Slice(i * n, n);
            for (var p = 0; p < k; p++)
            {
                Axpy(a[(i * k) + p], bRow, c.AsSpan(p * n, n));
            }
        }
        return c;
    }

    /// <summary>C = A·Bᵀ for A: [m, n], B: [k, n]; C[i, p] = Σ_j A[i, j]·B[p, j] summed over j in order.</summary>
    public static double[] MatMulTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int m, int n, int k) =>
        MatMul(a, Transpose(b, k, n), m, n, k);

    /// <summary>The transpose of A: [rows, cols].</summary>
    public static double[] Transpose(ReadOnlySpan<double> a, int rows, int cols)
    {
        var t = new double[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = a[(i * cols) + j];
            }
        }
        return t;
    }

    /// <summary>s[j] = Σ_i A[i, j] summed over i in order, for A: [m, n].</summary>
    public static double[] ColumnSums(ReadOnlySpan<double> a, int m, int n)
    {
        var s = new double[n];
        for (var i = 0; i < m; i++)
        {
            Add(a.Slice(i * n, n), s);
        }
        return s;
    }

    /// <summary>y[j] += alpha·x[j], a separate multiply then add in both the vector and the scalar path.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(alpha);
            for (; j <= y.Length - Vector<double>.Count; j += Vector<double>.Count)
            {
                var product = va * new Vector<double>(x[j..]);
                (new Vector<double>(y[j..]) + product).CopyTo(y[j..]);
            }
        }
        for (; j < y.Length; j++)
        {
            var product = alpha * x[j];
            y[j] += product;
        }
    }

    /// <summary>y[j] += x[j].</summary>
    public static void Add(ReadOnlySpan<double> x, Span<double> y)
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j <= y.Length - Vector<double>.Count; j += Vector<double>.Count)
            {
                (new Vector<double>(y[j..]) + new Vector<double>(x[j..])).CopyTo(y[j..]);
            }
        }
        for (; j < y.Length; j++)
        {
            y[j] += x[j];
        }
    }
}
