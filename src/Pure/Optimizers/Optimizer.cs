using System.Numerics;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// A first-order optimizer of chapter 6 (the book's common/optimizer.py) as a value and as the link of a
/// <see cref="Chain"/> that turns the (clipped, decayed, …) gradient into the update: its hyperparameters are record
/// properties, checked when set; its state is an <see cref="OptimizerState{T}"/> passed in and returned; the
/// learning rate is an argument of <see cref="ComputeUpdates"/>, and, as a link, <see cref="Schedule"/>'s rate at
/// the step index.
/// </summary>
/// <remarks>
/// Every update computes each element on its own, in index order, with IEEE +, −, ×, ÷ and √ only (β^t by repeated
/// squaring), so the same inputs give the same bits on every machine, runtime and thread count. The update is the
/// negated step (u = −(lr·g) for SGD), so W + u rounds exactly as the book's W − lr·g.
/// </remarks>
public abstract record Optimizer : GradientTransformation
{
    /// <summary>
    /// The learning rate per step when the optimizer is a link, read at the step index; null (the default) until a
    /// <c>TrainConfig</c> gives it the run's schedule (<see cref="WithSchedule"/>).
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>The optimizer's lower-case command-line name: "sgd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam".</summary>
    public abstract override string Name { get; }

    /// <summary>The state before the first update: count 0 and every buffer zero, shaped like <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public abstract override OptimizerState<T> Init<T>(ParamTree<T> parameters);

    /// <summary>
    /// One step's updates at an explicit learning rate, for step index <c>state.Count</c>: the change to add to the
    /// parameters, and the state after it, whose count is one more. The inputs are not changed.
    /// </summary>
    /// <param name="gradient">∂L/∂W (or the updates of earlier links), with the parameters' names and shapes.</param>
    /// <param name="state">This optimizer's state, from <see cref="Init"/> or the previous update.</param>
    /// <param name="parameters">The parameters W.</param>
    /// <param name="learningRate">lr, positive and finite.</param>
    /// <exception cref="ArgumentException">
    /// The gradient or a state buffer differs in names or shapes from the parameters, the state's slots are not this
    /// optimizer's, or the learning rate is not positive and finite.
    /// </exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public abstract (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>One update applied: W + <see cref="ComputeUpdates"/>, and the state after it. The inputs are not changed.</summary>
    /// <param name="parameters">The parameters W.</param>
    /// <param name="gradient">∂L/∂W, with the parameters' names and shapes.</param>
    /// <param name="state">This optimizer's state, from <see cref="Init"/> or the previous update.</param>
    /// <param name="learningRate">lr, positive and finite.</param>
    /// <exception cref="ArgumentException">As <see cref="ComputeUpdates"/>.</exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public (ParamTree<T> Parameters, OptimizerState<T> State) Update<T>(
        ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (updates, next) = ComputeUpdates(gradient, state, parameters, learningRate);
        return (ApplyUpdates(parameters, updates), next);
    }

    /// <summary>
    /// As a link: <see cref="ComputeUpdates"/> at <see cref="Schedule"/>'s rate for step <paramref name="count"/>,
    /// with the state's count taken as <paramref name="count"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer has no <see cref="Schedule"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The schedule's rate at step <paramref name="count"/> is not positive and finite (e.g. a cosine schedule with
    /// MinRate 0, past its last step), or the updates or state do not fit.
    /// </exception>
    public sealed override (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(
        ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count)
    {
        ArgumentNullException.ThrowIfNull(state);
        var schedule = Schedule ?? throw new InvalidOperationException(
            $"{GetType().Name}.Update: the optimizer has no learning-rate schedule; give one ({GetType().Name} {{ Schedule = new ConstantRate(0.01) }}) or train it through a TrainConfig, which gives it the run's.");
        var rate = schedule.At(count);
        if (!(rate > 0) || !double.IsFinite(rate))
        {
            throw new ArgumentException(
                $"{GetType().Name}.Update: the {schedule.Name} schedule gives learning rate {rate} at step {count}; expected a positive, finite rate ({schedule}).",
                nameof(count));
        }
        return ComputeUpdates(updates, state with { Count = count }, parameters, rate);
    }

    /// <summary>This optimizer with <paramref name="schedule"/>, if it has no schedule of its own; itself otherwise.</summary>
    public override GradientTransformation WithSchedule(LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Schedule is null ? this with { Schedule = schedule } : this;
    }
}
