namespace Functional.Initializers;

/// <summary>A fixed standard deviation whatever the layer's size: the book's <c>weight_init_std</c> (0.01 by default).</summary>
/// <param name="Sigma">σ, positive and finite.</param>
public sealed record NormalInit(double Sigma = 0.01) : Initializer
{
    private readonly double _sigma = ValidSigma(Sigma);

    /// <summary>σ, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Sigma { get => _sigma; init => _sigma = ValidSigma(value); }

    /// <summary>"normal".</summary>
    public override string Name => "normal";

    /// <summary><see cref="Sigma"/>.</summary>
    /// <inheritdoc/>
    public override double Std(int fanIn, int fanOut)
    {
        RequireFans("NormalInit.Std", fanIn, fanOut);
        return Sigma;
    }

    private static double ValidSigma(double sigma, string name = nameof(Sigma)) => sigma > 0 && double.IsFinite(sigma)
        ? sigma
        : throw new ArgumentOutOfRangeException(name, $"NormalInit: {name} must be positive and finite, got {sigma}.");

    /// <inheritdoc/>
    public override string Spec => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"normal:{Sigma:R}");
}
