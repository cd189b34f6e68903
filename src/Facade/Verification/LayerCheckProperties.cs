namespace Functional.Facade.Verification;

/// <summary>The names <see cref="LayerCheckFailure.Property"/> takes, in the order <see cref="LayerCheck"/> checks them.</summary>
public static class LayerCheckProperties
{
    /// <summary>Forward or Backward threw on a generated input (or on it moved by ± the step).</summary>
    public const string Exception = "Exception";

    /// <summary>
    /// Forward or Backward returned null, or the gradient's shape differs from the input's; for an ILayer also a broken
    /// contract: a gradient count or shape other than ParameterSpecs', an output, cache or state not as declared.
    /// </summary>
    public const string Shapes = "Shapes";

    /// <summary>Forward's output or Backward's gradient holds NaN or ∞ for a finite input and dOut.</summary>
    public const string Finite = "Finite";

    /// <summary>
    /// An argument changed, or the same input gave different bits: two Forwards, two Backwards with one cache, or
    /// Backwards with the caches of two Forwards; for an ILayer also its state or dOut written, a state changed at
    /// inference, or Infer differing from Forward at inference. Checked before the finite differences, which assume a function.
    /// </summary>
    public const string Purity = "Purity";

    /// <summary>⟨v, J·u⟩ by central differences disagrees with ⟨u, Backward(v)⟩ for a random unit u and normal v.</summary>
    public const string Vjp = "Vjp";

    /// <summary>On an input of at most 8 elements, an entry of the Jacobian by central differences disagrees with Backward's.</summary>
    public const string Jacobian = "Jacobian";

    /// <summary>Backward(a·v1 + v2) differs from a·Backward(v1) + Backward(v2).</summary>
    public const string Linearity = "Linearity";
}
