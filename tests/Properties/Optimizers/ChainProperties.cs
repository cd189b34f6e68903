using System.Numerics;
using CsCheck;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Optimizers;

/// <summary>The default chain (weight decay, clipping, the optimizer at the scheduled rate) against references written out.</summary>
public class ChainProperties
{
    private static readonly Gen<(Optimizer Optimizer, LearningRateSchedule Schedule, double Lambda, double? Clip, ParamTree<double> Parameters, ParamTree<double>[] Gradients)> Inputs =
        from run in OptimizerGens.Run
        from kind in Gen.Int[0, 2]
        from every in Gen.Int[1, 3]
        from factor in Gen.Int[1, 10].Select(k => k / 10.0)
        from lambda in Gen.OneOf(0.0, 0.01, 0.1, 1.0)
        from clip in Gen.OneOf<double?>(null, 0.25, 1.0, 4.0, 100.0)
        select (run.Optimizer,
            kind switch
            {
                0 => (LearningRateSchedule)new ConstantRate(run.LearningRate),
                1 => new StepDecay(run.LearningRate, every, factor),
                _ => new CosineDecay(run.LearningRate, run.Gradients.Length + every, run.LearningRate / 8),
            },
            lambda, clip, run.Parameters, run.Gradients);

    [Fact]
    public void The_default_chain_is_the_fixed_order_written_out_element_by_element_in_float64() =>
        PropertyCheck.ForAll(Inputs, input => AssertMatchesReference<double>(input));

    [Fact]
    public void The_default_chain_is_the_fixed_order_written_out_element_by_element_in_float32() =>
        PropertyCheck.ForAll(Inputs, input => AssertMatchesReference<float>(input));

    [Fact]
    public void Apply_is_weight_decay_then_clipping_then_the_optimizer_at_the_scheduled_rate() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (optimizer, schedule, lambda, clip, parameters, gradients) = input;
        var rule = new UpdateRule(optimizer, schedule, lambda, clip);
        var (p, s) = (parameters, rule.Init(parameters));
        var (q, t) = (parameters, optimizer.Init(parameters));
        foreach (var g in gradients)
        {
            (p, s) = rule.Apply(p, g, s, WeightsOf(p));
            var decayed = new WeightDecay(lambda).Gradient(g, q, WeightsOf(q));
            var clipped = clip is { } c ? GradientClipping.ByGlobalNorm(decayed, c) : decayed;
            (q, t) = optimizer.Update(q, clipped, t, schedule.At(t.Count));
        }
        Assert.Equal(q.Sha256(), p.Sha256());
        Assert.Equal(t, s);
        Assert.Equal(gradients.Length, s.Count);
    });

    [Fact]
    public void An_explicit_chain_in_the_default_order_is_the_default_chain_and_is_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (optimizer, schedule, lambda, clip, parameters, gradients) = input;
        var links = new List<GradientTransformation>();
        if (lambda > 0)
        {
            links.Add(new AddDecayedWeights(lambda, WeightsOf(parameters)));
        }
        if (clip is { } c)
        {
            links.Add(new ClipByGlobalNorm(c));
        }
        links.Add(optimizer with { Schedule = schedule });
        var chain = Chain.Of([.. links]);
        var rule = new UpdateRule(optimizer, schedule, lambda, clip);
        var (p, s) = (parameters, rule.Init(parameters));
        var (q, t) = (parameters, chain.Init(parameters));
        foreach (var g in gradients)
        {
            (p, s) = rule.Apply(p, g, s, WeightsOf(p));
            var before = (q.Sha256(), g.Sha256(), t.Flatten().Sha256());
            var (updates, next) = chain.Update(g, t, q, t.Count);
            Assert.Equal(before, (q.Sha256(), g.Sha256(), t.Flatten().Sha256()));
            (q, t) = (GradientTransformation.ApplyUpdates(q, updates), next);
        }
        Assert.Equal(q.Sha256(), p.Sha256());
        Assert.Equal(t, s);
    });

    private static void AssertMatchesReference<T>((Optimizer Optimizer, LearningRateSchedule Schedule, double Lambda, double? Clip, ParamTree<double> Parameters, ParamTree<double>[] Gradients) input)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (optimizer, schedule, lambda, clip, parameters, gradients) = input;
        var start = parameters.Convert<T>();
        var rule = new UpdateRule(optimizer, schedule, lambda, clip);
        var (p, s) = (start, rule.Init(start));
        foreach (var g in gradients)
        {
            (p, s) = rule.Apply(p, g.Convert<T>(), s, WeightsOf(parameters));
        }
        var (w, a, b) = Reference(optimizer, schedule, lambda, clip, start, [.. gradients.Select(g => g.Convert<T>())]);
        foreach (var key in start.Keys)
        {
            Assert.Equal(w[key], p[key].ToArray());
            switch (optimizer)
            {
                case Momentum or Nesterov:
                    Assert.Equal(a[key], s.Slots["velocity"][key].ToArray());
                    break;
                case AdaGrad or RmsProp:
                    Assert.Equal(a[key], s.Slots["h"][key].ToArray());
                    break;
                case Adam:
                    Assert.Equal(a[key], s.Slots["m"][key].ToArray());
                    Assert.Equal(b[key], s.Slots["v"][key].ToArray());
                    break;
            }
        }
    }

    /// <summary>
    /// Decay, clipping and each optimizer transcribed element by element in T, in the order training has always
    /// applied them, W − step as the book writes it (Nesterov's in update form); the clipping norm summed in float64
    /// in key order, then index order. Returns W and the optimizer's buffers.
    /// </summary>
    private static (Dictionary<string, T[]> W, Dictionary<string, T[]> A, Dictionary<string, T[]> B) Reference<T>(
        Optimizer optimizer, LearningRateSchedule schedule, double lambda, double? clip, ParamTree<T> parameters, ParamTree<T>[] gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static T R(double x) => T.CreateTruncating(x);
        var keys = parameters.Keys.Order(StringComparer.Ordinal).ToArray();
        var w = keys.ToDictionary(k => k, k => parameters[k].ToArray());
        var a = keys.ToDictionary(k => k, k => new T[w[k].Length]);
        var b = keys.ToDictionary(k => k, k => new T[w[k].Length]);
        var weights = WeightsOf(parameters);
        for (var n = 0; n < gradients.Length; n++)
        {
            var g = keys.ToDictionary(k => k, k => gradients[n][k].ToArray());
            foreach (var key in keys.Where(k => lambda > 0 && weights.Contains(k)))
            {
                for (var i = 0; i < g[key].Length; i++)
                {
                    g[key][i] += R(lambda) * w[key][i];
                }
            }
            if (clip is { } c)
            {
                var sum = 0.0;
                foreach (var key in keys)
                {
                    foreach (var x in g[key])
                    {
                        sum += double.CreateTruncating(x) * double.CreateTruncating(x);
                    }
                }
                var norm = Math.Sqrt(sum);
                if (norm > c)
                {
                    foreach (var key in keys)
                    {
                        for (var i = 0; i < g[key].Length; i++)
                        {
                            g[key][i] *= R(c / norm);
                        }
                    }
                }
            }
            var lr = schedule.At(n);
            foreach (var key in keys)
            {
                T[] wk = w[key], gk = g[key], ak = a[key], bk = b[key];
                for (var i = 0; i < wk.Length; i++)
                {
                    switch (optimizer)
                    {
                        case GradientDescent:
                            wk[i] -= R(lr) * gk[i];
                            break;
                        case Momentum m:
                            ak[i] = (R(m.Beta) * ak[i]) - (R(lr) * gk[i]);
                            wk[i] += ak[i];
                            break;
                        case Nesterov nesterov:
                            ak[i] = (R(nesterov.Beta) * ak[i]) - (R(lr) * gk[i]);
                            wk[i] += (R(nesterov.Beta * nesterov.Beta) * ak[i]) - (R((1 + nesterov.Beta) * lr) * gk[i]);
                            break;
                        case AdaGrad ada:
                            ak[i] += gk[i] * gk[i];
                            wk[i] -= R(lr) * gk[i] / (T.Sqrt(ak[i]) + R(ada.Epsilon));
                            break;
                        case RmsProp rms:
                            ak[i] = (R(rms.Decay) * ak[i]) + (R(1 - rms.Decay) * gk[i] * gk[i]);
                            wk[i] -= R(lr) * gk[i] / (T.Sqrt(ak[i]) + R(rms.Epsilon));
                            break;
                        case Adam adam:
                            var t = n + 1;
                            var rate = R(lr * Math.Sqrt(1.0 - Power(adam.Beta2, t)) / (1.0 - Power(adam.Beta1, t)));
                            ak[i] += R(1 - adam.Beta1) * (gk[i] - ak[i]);
                            bk[i] += R(1 - adam.Beta2) * ((gk[i] * gk[i]) - bk[i]);
                            wk[i] -= rate * ak[i] / (T.Sqrt(bk[i]) + R(adam.Epsilon));
                            break;
                        default:
                            throw new ArgumentException($"No reference for {optimizer}.", nameof(optimizer));
                    }
                }
            }
        }
        return (w, a, b);
    }

    // x^n by repeated squaring, as the library computes Adam's β^t (Math.Pow may differ in the last bit).
    private static double Power(double x, int n)
    {
        var (result, square) = (1.0, x);
        for (; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                result *= square;
            }
            if (n > 1)
            {
                square *= square;
            }
        }
        return result;
    }

    // The generators name weights W…; in a network the layers declare them.
    private static HashSet<string> WeightsOf<T>(ParamTree<T> tree)
        where T : unmanaged, IFloatingPointIeee754<T> => [.. tree.Keys.Where(k => k.StartsWith('W'))];
}
