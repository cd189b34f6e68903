namespace Functional.Initializers;

/// <summary>
/// The "Xavier" initial value as the book defines it (section 6.2.2): σ = 1/√fanIn, computed as √(1/fanIn) like the
/// book's common/multi_layer_net.py. Suited to sigmoid and tanh. Glorot and Bengio's paper (2010) uses
/// σ = √(2/(fanIn + fanOut)) instead, which this is not.
/// </summary>
public sealed record Xavier : Initializer
{
    /// <summary>"xavier".</summary>
    public override string Name => "xavier";

    /// <summary>√(1/fanIn).</summary>
    /// <inheritdoc/>
    public override double Std(int fanIn, int fanOut)
    {
        RequireFans("Xavier.Std", fanIn, fanOut);
        return Math.Sqrt(1.0 / fanIn);
    }
}
