using Functional.Optimizers;

namespace Functional.Facade.Naming;

/// <summary>The optimizers' command-line names, for the CLI and run configs: "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam".</summary>
public static class OptimizerNames
{
    /// <summary>Every optimizer's name, in the book's order.</summary>
    public static IReadOnlyList<string> All { get; } = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

    /// <summary>The optimizer of that name, with the book's default hyperparameters.</summary>
    /// <exception cref="ArgumentException">The name is none of <see cref="All"/>.</exception>
    public static Optimizer Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "sgd" => new GradientDescent(),
            "momentum" => new Momentum(),
            "nesterov" => new Nesterov(),
            "adagrad" => new AdaGrad(),
            "rmsprop" => new RmsProp(),
            "adam" => new Adam(),
            _ => throw new ArgumentException(
                $"Optimizer.Parse: unknown optimizer '{name}'; expected one of {string.Join(", ", All)}.", nameof(name)),
        };
    }
}
