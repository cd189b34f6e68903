using CsCheck;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Optimizers;

/// <summary>Parameter trees, gradients and optimizers for the optimizer properties.</summary>
public static class OptimizerGens
{
    // Weights, biases and BatchNorm-style names, so weight decay meets leaves it must leave alone.
    private static readonly string[] Names = ["W1", "b1", "W2", "b2", "gamma1", "beta1"];

    /// <summary>1–6 named leaves, each of a shape from <see cref="Gens.AnyShape"/>.</summary>
    public static Gen<(string Key, int[] Shape)[]> Structure { get; } =
        from mask in Gen.Int[1, (1 << Names.Length) - 1]
        from shapes in Gens.AnyShape.Array[Names.Length]
        select Names.Select((key, i) => (key, shapes[i])).Where((_, i) => (mask & (1 << i)) != 0).ToArray();

    /// <summary>A tree with the given names and shapes, values from <paramref name="values"/> (default <see cref="Gens.Value"/>).</summary>
    public static Gen<ParamTree<double>> TreeOf((string Key, int[] Shape)[] structure, Gen<double>? values = null)
    {
        var sizes = structure.Select(leaf => leaf.Shape.Aggregate(1, (a, b) => a * b)).ToArray();
        // One array of all the leaves' values, cut into the leaves in order.
        return (values ?? Gens.Value).Array[sizes.Sum()].Select(data =>
        {
            var offset = 0;
            return ParamTree<double>.Of(structure.Select((leaf, i) =>
            {
                var tensor = Tensor.FromArray(data.AsSpan(offset, sizes[i]), leaf.Shape);
                offset += sizes[i];
                return KeyValuePair.Create(leaf.Key, tensor);
            }).ToArray());
        });
    }

    /// <summary>Learning rates from 1/1024 to 1, exact in binary.</summary>
    public static Gen<double> LearningRate { get; } = Gen.Int[1, 1024].Select(k => k / 1024.0);

    /// <summary>β, decay and similar fractions k/100 in [0, 0.99].</summary>
    public static Gen<double> Fraction { get; } = Gen.Int[0, 99].Select(k => k / 100.0);

    /// <summary>Adam's β2, RMSprop's decay: the values used in practice.</summary>
    public static Gen<double> SlowFraction { get; } = Gen.OneOf(0.9, 0.99, 0.999, 0.9999);

    /// <summary>ε from the book's 1e-7 to 1e-3.</summary>
    public static Gen<double> Epsilon { get; } = Gen.OneOf(1e-7, 1e-8, 1e-5, 1e-3);

    /// <summary>Every optimizer, with defaults or drawn hyperparameters.</summary>
    public static Gen<Optimizer> AnyOptimizer { get; } = Gen.OneOf(
        Gen.Const<Optimizer>(new GradientDescent()),
        Fraction.Select(b => (Optimizer)new Momentum(b)),
        Fraction.Select(b => (Optimizer)new Nesterov(b)),
        Epsilon.Select(e => (Optimizer)new AdaGrad(e)),
        Gen.Select(SlowFraction, Epsilon, (d, e) => (Optimizer)new RmsProp(d, e)),
        Gen.Select(Fraction, SlowFraction, Epsilon, (b1, b2, e) => (Optimizer)new Adam(b1, b2, e)));

    /// <summary>Parameters and 1–4 gradients of the same structure.</summary>
    public static Gen<(ParamTree<double> Parameters, ParamTree<double>[] Gradients)> Problem { get; } =
        from structure in Structure
        from parameters in TreeOf(structure)
        from gradients in TreeOf(structure).Array[1, 4]
        select (parameters, gradients);

    /// <summary>An optimizer, a learning rate, parameters and gradients for a few steps.</summary>
    public static Gen<(Optimizer Optimizer, double LearningRate, ParamTree<double> Parameters, ParamTree<double>[] Gradients)> Run { get; } =
        from optimizer in AnyOptimizer
        from rate in LearningRate
        from problem in Problem
        select (optimizer, rate, problem.Parameters, problem.Gradients);

    /// <summary>Runs <paramref name="optimizer"/> over every gradient in turn from its initial state.</summary>
    public static (ParamTree<double> Parameters, OptimizerState<double> State) Steps(Optimizer optimizer, double learningRate, ParamTree<double> parameters, IEnumerable<ParamTree<double>> gradients)
    {
        var state = optimizer.Init(parameters);
        foreach (var g in gradients)
        {
            (parameters, state) = optimizer.Update(parameters, g, state, learningRate);
        }
        return (parameters, state);
    }
}
