using Functional.Tensors;
using Functional.Verification;

namespace Functional.Unit.Tests.Verification;

public class NumericalGradientTests
{
    /// <summary>Section 4.4's example: f(x0, x1) = x0² + x1² has gradient (6, 8) at (3, 4).</summary>
    [Fact]
    public void The_books_function_2_has_gradient_6_8_at_3_4()
    {
        var x = Tensor.Vector(3.0, 4.0);
        var gradient = NumericalGradient.Of(t => (t[0] * t[0]) + (t[1] * t[1]), x);
        Assert.Equal(6.0, gradient[0], 1e-7);
        Assert.Equal(8.0, gradient[1], 1e-7);
        Assert.Equal(Tensor.Vector(3.0, 4.0), x);
    }

    [Fact]
    public void A_non_positive_step_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => NumericalGradient.Of(t => 0, Tensor.Vector(1.0), 0));
        Assert.Contains("h must be a positive finite step, got 0", error.Message, StringComparison.Ordinal);
    }
}
