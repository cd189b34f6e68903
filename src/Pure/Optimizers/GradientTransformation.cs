using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Optimizers;

/// <summary>
/// A gradient transformation, optax-style: a value that maps the updates so far (at first the gradient) and its own
/// state to new updates and state. Transformations compose with <see cref="Chain"/> in the order given (clipping,
/// weight decay, then an optimizer, …); a step adds the final updates to the parameters with
/// <see cref="ApplyUpdates"/>.
/// </summary>
/// <remarks>
/// The state is an <see cref="OptimizerState{T}"/>: named slots shaped like the parameters, and the step count.
/// A link's <see cref="Update"/> receives the step index as <c>count</c> (a chain's one shared count, so schedules
/// and bias corrections agree across links) and returns its state with count + 1.
/// </remarks>
public abstract record GradientTransformation
{
    /// <summary>The link's lower-case name: "sgd", "adam", "clip", "decay", "chain", … Other links' slots in a chain are named after it.</summary>
    public abstract string Name { get; }

    /// <summary>The link as a spec, e.g. "clip:1" or "adam"; <see cref="Chain"/> joins its links' with ','.</summary>
    public virtual string Spec => Name;

    /// <summary>The names of the slots <see cref="Init"/> creates, in ordinal order; none unless overridden.</summary>
    public virtual IReadOnlyList<string> SlotNames => [];

    /// <summary>
    /// The state before the first update: count 0 and the link's slots (<see cref="SlotNames"/>), zero. Unless
    /// overridden, no slots: right for the stateless links (clipping, weight decay).
    /// </summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public virtual OptimizerState<T> Init<T>(ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptimizerChecks.Parameters($"{GetType().Name}.Init", parameters);
        return OptimizerState<T>.Empty;
    }

    /// <summary>
    /// One step: the transformed updates and the state after it (count <paramref name="count"/> + 1). The inputs are
    /// not changed.
    /// </summary>
    /// <param name="updates">The updates so far (the gradient, for the first link), with the parameters' names and shapes.</param>
    /// <param name="state">This link's state, from <see cref="Init"/> or its previous update.</param>
    /// <param name="parameters">The parameters the updates will be added to.</param>
    /// <param name="count">The step index (0 for the first update), which schedules and bias corrections read.</param>
    /// <exception cref="ArgumentException">The updates or state do not fit the parameters or this link.</exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public abstract (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(
        ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// This link with the network's weights as the ones to decay where it decays weights without a list of its own
    /// (<see cref="AddDecayedWeights"/> with no Weights); itself otherwise. Training calls it with the network's
    /// declared weights.
    /// </summary>
    public virtual GradientTransformation WithWeights(IReadOnlySet<string> weights) => this;

    /// <summary>
    /// This link with <paramref name="schedule"/> as the learning rate where it takes one and has none of its own
    /// (an <see cref="Optimizer"/> with no Schedule); itself otherwise. A <c>TrainConfig</c> calls it with the run's schedule.
    /// </summary>
    public virtual GradientTransformation WithSchedule(LearningRateSchedule schedule) => this;

    /// <summary>
    /// The term this link adds to the loss, for reporting: ½·λ·Σ W² for <see cref="AddDecayedWeights"/>, the sum
    /// over its links for a <see cref="Chain"/>, 0 otherwise.
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public virtual double Penalty<T>(ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => 0.0;

    /// <summary>The parameters after a step: p + u elementwise, rounded once in T.</summary>
    /// <exception cref="ArgumentException">The updates' names or shapes differ from the parameters'.</exception>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    public static ParamTree<T> ApplyUpdates<T>(ParamTree<T> parameters, ParamTree<T> updates)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("GradientTransformation.ApplyUpdates", nameof(parameters), parameters);
        Require.NotNull("GradientTransformation.ApplyUpdates", nameof(updates), updates);
        parameters.RequireSameStructure("GradientTransformation.ApplyUpdates: updates", updates);
        return parameters.Zip(updates, static (p, u) =>
        {
            T[] ps = p.Storage, us = u.Storage;
            var result = GC.AllocateUninitializedArray<T>(ps.Length);
            for (var i = 0; i < ps.Length; i++)
            {
                result[i] = ps[i] + us[i];
            }
            return new Tensor<T>(p.Shape, result);
        });
    }
}
