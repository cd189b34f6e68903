using Functional.Networks;

namespace Functional.Facade.Naming;

/// <summary>The lower-case names of activations used in files and on the command line: "relu", "sigmoid", "tanh", "leakyrelu".</summary>
public static class ActivationNames
{
    /// <summary>The name of an activation.</summary>
    public static string Of(Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>Every activation's name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<Activation>().Select(Of)];

    /// <summary>The names of a network's activations joined by commas, e.g. "relu,relu"; empty for no hidden layer.</summary>
    public static string Join(IEnumerable<Activation> activations) => string.Join(",", activations.Select(Of));

    /// <summary>The activation named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static Activation Parse(string name) => name switch
    {
        "relu" => Activation.Relu,
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        "leakyrelu" => Activation.LeakyRelu,
        _ => throw new ArgumentException($"unknown activation '{name}'; expected relu, sigmoid, tanh or leakyrelu.", nameof(name)),
    };

    /// <summary>Parses a comma-separated list written by <see cref="Join"/>.</summary>
    public static Activation[] ParseList(string names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return names.Length == 0 ? [] : [.. names.Split(',').Select(Parse)];
    }
}
