using System.Globalization;
using Functional.Initializers;

namespace Functional.Facade.Naming;

/// <summary>The weight initializers' command-line specs, for the CLI and run configs: "normal", "normal:STD", "xavier", "he".</summary>
public static class InitializerNames
{
    /// <summary>Every initializer's name.</summary>
    public static IReadOnlyList<string> All { get; } = ["normal", "xavier", "he"];

    /// <summary>An initializer from its spec: "normal" (σ = 0.01), "normal:STD", "xavier" or "he"; <see cref="Initializer.Spec"/> reads back.</summary>
    /// <exception cref="ArgumentException">The spec is none of these, or STD is not positive and finite.</exception>
    public static Initializer Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Split(':') switch
        {
            ["normal"] => new NormalInit(),
            ["normal", var std] when double.TryParse(std, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                && s > 0 && double.IsFinite(s) => new NormalInit(s),
            ["xavier"] => new Xavier(),
            ["he"] => new He(),
            _ => throw new ArgumentException(
                $"Initializer.Parse: unknown initializer '{spec}'; expected normal, normal:STD (STD positive), xavier or he.", nameof(spec)),
        };
    }
}
