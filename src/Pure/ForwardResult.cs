namespace Functional;

/// <summary>
/// What a Forward function returns: its output and the cache its Backward needs. The caller holds the cache;
/// no layer stores it. Deconstructs as <c>var (output, cache) = Layer.Forward(…);</c>.
/// </summary>
/// <typeparam name="TOutput">The output: a <see cref="Tensors.Tensor"/>, or a <see cref="double"/> for a loss.</typeparam>
/// <typeparam name="TCache">The layer's cache record.</typeparam>
/// <param name="Output">The forward output.</param>
/// <param name="Cache">The residuals Backward needs.</param>
public sealed record ForwardResult<TOutput, TCache>(TOutput Output, TCache Cache);
