using System.Numerics;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// A first-order optimizer of chapter 6 (the book's common/optimizer.py) as a value: its hyperparameters are record
/// properties, checked when set; its state is an <see cref="OptimizerState{T}"/> passed in and returned; the learning
/// rate is an argument of every update, so a <see cref="LearningRateSchedule"/> can supply it per step.
/// </summary>
/// <remarks>
/// Every update computes each element on its own, in index order, with IEEE +, −, ×, ÷ and √ only (β^t by repeated
/// squaring), so the same inputs give the same bits on every machine, runtime and thread count.
/// </remarks>
public abstract record Optimizer
{
    /// <summary>The optimizer's lower-case command-line name: "sgd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam".</summary>
    public abstract string Name { get; }

    /// <summary>The state before the first update: count 0 and every buffer zero, shaped like <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public abstract OptimizerState<T> Init<T>(ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>One update: new parameters and the state after it, whose count is one more. The inputs are not changed.</summary>
    /// <param name="parameters">The parameters W.</param>
    /// <param name="gradient">∂L/∂W, with the parameters' names and shapes.</param>
    /// <param name="state">This optimizer's state, from <see cref="Init"/> or the previous update.</param>
    /// <param name="learningRate">lr, positive and finite.</param>
    /// <exception cref="ArgumentException">
    /// The gradient or a state buffer differs in names or shapes from the parameters, the state's slots are not this
    /// optimizer's, or the learning rate is not positive and finite.
    /// </exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public abstract (ParamTree<T> Parameters, OptimizerState<T> State) Update<T>(
        ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
