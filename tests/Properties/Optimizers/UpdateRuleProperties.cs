using CsCheck;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Optimizers;

public class UpdateRuleProperties
{
    private static readonly Gen<(UpdateRule Rule, ParamTree<double> Parameters, ParamTree<double>[] Gradients)> Inputs =
        from run in OptimizerGens.Run
        from every in Gen.Int[1, 3]
        from factor in Gen.Int[1, 10].Select(k => k / 10.0)
        from lambda in Gen.OneOf(0.0, 0.01, 0.1, 1.0)
        from clip in Gen.OneOf<double?>(null, 0.25, 1.0, 4.0, 100.0)
        select (new UpdateRule(run.Optimizer, new StepDecay(run.LearningRate, every, factor), lambda, clip), run.Parameters, run.Gradients);

    [Fact]
    public void Apply_is_weight_decay_then_clipping_then_the_optimizer_at_the_scheduled_rate() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (rule, parameters, gradients) = input;
        var (p, s) = (parameters, rule.Init(parameters));
        var (q, t) = (parameters, rule.Optimizer.Init(parameters));
        foreach (var g in gradients)
        {
            (p, s) = rule.Apply(p, g, s, WeightsOf(p));
            var decayed = new WeightDecay(rule.WeightDecay).Gradient(g, q, WeightsOf(q));
            var clipped = rule.ClipNorm is { } c ? GradientClipping.ByGlobalNorm(decayed, c) : decayed;
            (q, t) = rule.Optimizer.Update(q, clipped, t, rule.Schedule.At(t.Count));
        }
        Assert.Equal(q.Sha256(), p.Sha256());
        Assert.Equal(t, s);
        Assert.Equal(gradients.Length, s.Count);
    });

    [Fact]
    public void Apply_without_decay_or_clipping_is_the_optimizer_and_is_pure() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var rule = new UpdateRule(run.Optimizer, new ConstantRate(run.LearningRate));
        var state = rule.Init(run.Parameters);
        var gradient = run.Gradients[0];
        var before = (run.Parameters.Sha256(), gradient.Sha256(), state.Flatten().Sha256());
        var (p, s) = rule.Apply(run.Parameters, gradient, state, WeightsOf(run.Parameters));
        var (q, t) = run.Optimizer.Update(run.Parameters, gradient, state, run.LearningRate);
        Assert.Equal(before, (run.Parameters.Sha256(), gradient.Sha256(), state.Flatten().Sha256()));
        Assert.Equal(q.Sha256(), p.Sha256());
        Assert.Equal(t, s);
        Assert.Equal(p.Sha256(), rule.Apply(run.Parameters, gradient, state, WeightsOf(run.Parameters)).Parameters.Sha256());
    });

    // The generators name weights W…; in a network the layers declare them.
    private static HashSet<string> WeightsOf(ParamTree<double> tree) => [.. tree.Keys.Where(k => k.StartsWith('W'))];
}
