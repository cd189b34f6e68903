using Functional.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Functional.Unit.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void Changing_the_source_array_after_creation_does_not_change_the_tensor()
    {
        double[] source = [1, 2, 3, 4];
        var t = Tensor.FromArray(source, 2, 2);
        source[0] = 99;
        Assert.Equal(1.0, t[0, 0]);
    }

    [Fact]
    public void Changing_an_exported_array_does_not_change_the_tensor()
    {
        var t = Tensor.FromMatrix(new[,] { { 1.0, 2.0 } });
        t.ToArray()[0] = 99;
        t.ToMatrix()[0, 1] = 99;
        Assert.Equal(Tensor.FromArray([1.0, 2.0], 1, 2), t);
    }

    [Fact]
    public void MathNet_conversions_copy_in_both_directions()
    {
        var matrix = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        var t = matrix.ToTensor();
        matrix[0, 0] = 99;
        var back = t.ToMatrix();
        back[1, 1] = 99;
        Assert.Equal(Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }), t);
    }

    [Fact]
    public void Equality_is_bitwise()
    {
        Assert.Equal(Tensor.Vector(double.NaN), Tensor.Vector(double.NaN));
        Assert.NotEqual(Tensor.Vector(0.0), Tensor.Vector(-0.0));
        Assert.NotEqual(Tensor.Zeros<double>(2, 3), Tensor.Zeros<double>(3, 2));
    }

    [Fact]
    public void Reshape_keeps_the_elements_and_refuses_another_length()
    {
        var t = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3);
        Assert.Equal(4.0, t.Reshape(3, 2)[1, 1]);
        var error = Assert.Throws<ArgumentException>(() => t.Reshape(4, 2));
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_count_that_does_not_match_the_shape_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1.0, 2.0, 3.0], 2, 2));
        Assert.Contains("needs 4 values, got 3", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tensor.FromRows([[1.0, 2.0], [3.0]]));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros<double>(-1, 2));
    }

    [Fact]
    public void An_index_outside_the_shape_is_refused()
    {
        var t = Tensor.Zeros<double>(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => t[2, 0]);
        Assert.Throws<ArgumentException>(() => t[1]);
    }

    [Fact]
    public void ToString_prints_nested_rows_with_round_trip_values()
    {
        Assert.Equal("[[1, -0.5], [-2, 3]]", Tensor.FromMatrix(new[,] { { 1.0, -0.5 }, { -2.0, 3.0 } }).ToString());
        Assert.Equal("0.1", Tensor.Scalar(0.1).ToString());
    }
}
