using System.Globalization;
using Functional.Optimizers;

namespace Functional.Facade.Naming;

/// <summary>
/// Chains of gradient transformations as command-line specs, for the CLI and run configs: links separated by ',',
/// each "clip:MAXNORM", "decay:LAMBDA" or an optimizer's name (<see cref="OptimizerNames"/>), applied in the order
/// written, e.g. "clip:1,decay:1e-4,adam". <see cref="GradientTransformation.Spec"/> reads back.
/// </summary>
public static class TransformNames
{
    private const string AcceptedLinks = "clip:MAXNORM, decay:LAMBDA, sgd, momentum, nesterov, adagrad, rmsprop or adam";

    /// <summary>The chain <paramref name="spec"/> names; optimizers have the book's default hyperparameters and no schedule (the run gives its own).</summary>
    /// <exception cref="ArgumentException">A link is none of the accepted forms, or a value in it is out of range; the message names the spec and the link.</exception>
    public static Chain Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var links = new List<GradientTransformation>();
        foreach (var link in spec.Split(','))
        {
            var parts = link.Trim().Split(':');
            try
            {
                links.Add(parts switch
                {
                    ["clip", var c] when double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var maxNorm) => new ClipByGlobalNorm(maxNorm),
                    ["decay", var l] when double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out var lambda) => new AddDecayedWeights(lambda),
                    [var name] when OptimizerNames.All.Contains(name) => OptimizerNames.Parse(name),
                    _ => throw new ArgumentException($"Transform.Parse: unknown link '{link}' in '{spec}'; expected links separated by ',', each {AcceptedLinks}.", nameof(spec)),
                });
            }
            catch (ArgumentOutOfRangeException error)
            {
                throw new ArgumentException($"Transform.Parse: cannot make link '{link}' of '{spec}': {error.Message}", nameof(spec), error);
            }
        }
        return new Chain([.. links]);
    }
}
