using CsCheck;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Optimizers;

public class OptimizerProperties
{
    private static double[] Flat(ParamTree<double> tree) => [.. tree.Leaves.Values.SelectMany(t => t.ToArray())];

    private static readonly Gen<double> MostlyNonzero =
        Gen.Frequency((3, Gens.AwayFromZero), (1, Gen.Const(0.0)));

    private static readonly Gen<(ParamTree<double> Parameters, ParamTree<double> Gradient, double LearningRate)> FirstStep =
        from structure in OptimizerGens.Structure
        from parameters in OptimizerGens.TreeOf(structure)
        from gradient in OptimizerGens.TreeOf(structure, MostlyNonzero)
        from rate in OptimizerGens.LearningRate
        select (parameters, gradient, rate);

    [Fact]
    public void Every_optimizer_follows_the_books_update_rule_step_after_step() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var (actual, state) = OptimizerGens.Steps(run.Optimizer, run.LearningRate, run.Parameters, run.Gradients);
        var (expected, powerSlack) = BookReference(run.Optimizer, run.LearningRate, Flat(run.Parameters), [.. run.Gradients.Select(Flat)]);
        var got = Flat(actual);
        Assert.Equal(run.Gradients.Length, state.Count);
        for (var i = 0; i < got.Length; i++)
        {
            if (run.Optimizer is Adam)
            {
                // The reference takes β^t from Math.Pow, Adam by repeated squaring: they may differ by an ulp or two,
                // which moves lr_t, and so W, by a few parts in 10^16 per step, and by more where 1 − β^t cancels
                // (β2 = 0.9999: an ulp of β2³ is 2e-13 of lr_t); powerSlack bounds that part, step by step.
                var allowed = (1e-13 * (1 + Math.Abs(expected[i]))) + powerSlack[i];
                Assert.True(Math.Abs(got[i] - expected[i]) <= allowed,
                    $"{run.Optimizer}: element {i} is {got[i]:R}, the book's rule gives {expected[i]:R} ± {allowed:E2}.");
            }
            else
            {
                Assert.True(BitConverter.DoubleToInt64Bits(got[i]) == BitConverter.DoubleToInt64Bits(expected[i]),
                    $"{run.Optimizer}: element {i} is {got[i]:R}, the book's rule gives {expected[i]:R}.");
            }
        }
    });

    [Fact]
    public void GradientDescent_is_bit_identical_to_Training_Sgd() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var sgd = new GradientDescent();
        var (parameters, _) = OptimizerGens.Steps(sgd, run.LearningRate, run.Parameters, run.Gradients);
        var expected = run.Gradients.Aggregate(run.Parameters, (p, g) => Sgd.Update(p, g, run.LearningRate));
        Assert.Equal(expected.Sha256(), parameters.Sha256());
    });

    // Gens never produce −0, and W − x and W + (−x) then round identically, so the equality is exact: β·v is ±0,
    // ±0 − lr·g is −(lr·g), and (1 + 0)·lr is lr.
    [Fact]
    public void Momentum_and_Nesterov_with_beta_0_are_gradient_descent() => PropertyCheck.ForAll(
        from problem in OptimizerGens.Problem from rate in OptimizerGens.LearningRate select (problem, rate),
        input =>
        {
            var ((parameters, gradients), rate) = input;
            var sgd = OptimizerGens.Steps(new GradientDescent(), rate, parameters, gradients).Parameters.Sha256();
            Assert.Equal(sgd, OptimizerGens.Steps(new Momentum(0), rate, parameters, gradients).Parameters.Sha256());
            Assert.Equal(sgd, OptimizerGens.Steps(new Nesterov(0), rate, parameters, gradients).Parameters.Sha256());
        });

    [Fact]
    public void Adams_first_update_moves_every_weight_by_lr_against_its_gradients_sign() => PropertyCheck.ForAll(
        from step in FirstStep from b1 in OptimizerGens.Fraction from b2 in OptimizerGens.SlowFraction select (step, new Adam(b1, b2)),
        input =>
        {
            var ((parameters, gradient, rate), adam) = input;
            var (updated, _) = adam.Update(parameters, gradient, adam.Init(parameters), rate);
            double[] w = Flat(parameters), g = Flat(gradient), got = Flat(updated);
            for (var i = 0; i < w.Length; i++)
            {
                if (g[i] == 0)
                {
                    Assert.Equal(w[i], got[i]);   // m = v = 0: the step is 0/ε
                    continue;
                }
                // After one step m = (1 − β1)·g, v = (1 − β2)·g² and lr_t = lr·√(1 − β2)/(1 − β1), so the step is
                // lr·g/(|g| + ε/√(1 − β2)): lr·sign(g) shrunk by at most the relative ε/(√(1 − β2)·|g|) (≤ 6.4e-4 here,
                // as |g| ≥ 1/64). About 12 roundings add under 1.5e-15·lr, and W − step one more ulp of |W| + lr.
                var allowed = (rate * adam.Epsilon / (Math.Sqrt(1 - adam.Beta2) * Math.Abs(g[i]))) + (1e-14 * (Math.Abs(w[i]) + rate));
                var expected = w[i] - (rate * Math.Sign(g[i]));
                Assert.True(Math.Abs(got[i] - expected) <= allowed,
                    $"{adam}: W = {w[i]:R}, g = {g[i]:R}, lr = {rate:R} gave {got[i]:R}, expected {expected:R} ± {allowed:E2}.");
            }
        });

    [Fact]
    public void AdaGrads_first_update_moves_every_weight_by_lr_against_its_gradients_sign() => PropertyCheck.ForAll(
        from step in FirstStep from epsilon in OptimizerGens.Epsilon select (step, new AdaGrad(epsilon)),
        input =>
        {
            var ((parameters, gradient, rate), adaGrad) = input;
            var (updated, state) = adaGrad.Update(parameters, gradient, adaGrad.Init(parameters), rate);
            double[] w = Flat(parameters), g = Flat(gradient), got = Flat(updated), h = Flat(state.Slots["h"]);
            for (var i = 0; i < w.Length; i++)
            {
                Assert.Equal(g[i] * g[i], h[i]);
                // h = g² exactly (g = k/64), √h = |g|, so the step is lr·g/(|g| + ε): lr·sign(g) shrunk by at most
                // the relative ε/|g|; the four roundings and W − step stay under 1e-14·(|W| + lr).
                var allowed = g[i] == 0 ? 0 : (rate * adaGrad.Epsilon / Math.Abs(g[i])) + (1e-14 * (Math.Abs(w[i]) + rate));
                var expected = w[i] - (rate * Math.Sign(g[i]));
                Assert.True(Math.Abs(got[i] - expected) <= allowed,
                    $"{adaGrad}: W = {w[i]:R}, g = {g[i]:R}, lr = {rate:R} gave {got[i]:R}, expected {expected:R} ± {allowed:E2}.");
            }
        });

    [Fact]
    public void RmsProps_state_after_one_step_is_one_minus_decay_times_g_squared() => PropertyCheck.ForAll(
        from step in FirstStep from decay in OptimizerGens.Fraction select (step, new RmsProp(decay)),
        input =>
        {
            var ((parameters, gradient, rate), rmsProp) = input;
            var (_, state) = rmsProp.Update(parameters, gradient, rmsProp.Init(parameters), rate);
            double[] g = Flat(gradient), h = Flat(state.Slots["h"]);
            Assert.Equal(["h"], state.Slots.Keys);
            for (var i = 0; i < g.Length; i++)
            {
                Assert.Equal((1 - rmsProp.Decay) * g[i] * g[i], h[i]);   // decay·0 + x is x exactly
            }
        });

    [Fact]
    public void Update_leaves_its_inputs_unchanged_and_repeats_bit_for_bit() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var (parameters, state) = OptimizerGens.Steps(run.Optimizer, run.LearningRate, run.Parameters, run.Gradients[..^1]);
        var gradient = run.Gradients[^1];
        var before = (parameters.Sha256(), gradient.Sha256(), state.Flatten().Sha256(), state.Count);
        var first = run.Optimizer.Update(parameters, gradient, state, run.LearningRate);
        var second = run.Optimizer.Update(parameters, gradient, state, run.LearningRate);
        Assert.Equal(before, (parameters.Sha256(), gradient.Sha256(), state.Flatten().Sha256(), state.Count));
        Assert.Equal(first.Parameters.Sha256(), second.Parameters.Sha256());
        Assert.Equal(first.State, second.State);
        Assert.Equal(first.State.Flatten().Sha256(), second.State.Flatten().Sha256());
    });

    [Fact]
    public void Init_gives_zero_buffers_and_Update_keeps_the_parameters_structure() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var initial = run.Optimizer.Init(run.Parameters);
        Assert.Equal(0, initial.Count);
        foreach (var slot in initial.Slots.Values)
        {
            run.Parameters.RequireSameStructure("Init", slot);
            Assert.All(Flat(slot), v => Assert.Equal(0.0, v));
        }
        var (parameters, state) = OptimizerGens.Steps(run.Optimizer, run.LearningRate, run.Parameters, run.Gradients);
        run.Parameters.RequireSameStructure("Update", parameters);
        Assert.Equal(initial.Slots.Keys, state.Slots.Keys);
        foreach (var slot in state.Slots.Values)
        {
            run.Parameters.RequireSameStructure("Update", slot);
        }
    });

    /// <summary>
    /// The book's common/optimizer.py transcribed element by element, in its order of operations (Nesterov in update form); for Adam also a
    /// bound on how far each W may move because β^t is computed another way (zero for the other optimizers).
    /// </summary>
    private static (double[] W, double[] PowerSlack) BookReference(Optimizer optimizer, double lr, double[] w, double[][] gradients)
    {
        w = [.. w];
        double[] a = new double[w.Length], b = new double[w.Length], slack = new double[w.Length];
        var iter = 0;
        foreach (var g in gradients)
        {
            iter++;
            for (var i = 0; i < w.Length; i++)
            {
                switch (optimizer)
                {
                    case GradientDescent:
                        w[i] -= lr * g[i];
                        break;
                    case Momentum m:
                        a[i] = (m.Beta * a[i]) - (lr * g[i]);
                        w[i] += a[i];
                        break;
                    case Nesterov n:
                        a[i] *= n.Beta;
                        a[i] -= lr * g[i];
                        // The update form: the book adds β²v to W, then subtracts (1 + β)·lr·g; the library adds
                        // their difference once (one rounding different, see Nesterov's remarks).
                        w[i] += (n.Beta * n.Beta * a[i]) - ((1 + n.Beta) * lr * g[i]);
                        break;
                    case AdaGrad ada:
                        a[i] += g[i] * g[i];
                        w[i] -= lr * g[i] / (Math.Sqrt(a[i]) + ada.Epsilon);
                        break;
                    case RmsProp rms:
                        a[i] *= rms.Decay;
                        a[i] += (1 - rms.Decay) * g[i] * g[i];
                        w[i] -= lr * g[i] / (Math.Sqrt(a[i]) + rms.Epsilon);
                        break;
                    case Adam adam:
                        var (power1, power2) = (Math.Pow(adam.Beta1, iter), Math.Pow(adam.Beta2, iter));
                        var lrT = lr * Math.Sqrt(1.0 - power2) / (1.0 - power1);
                        a[i] += (1 - adam.Beta1) * (g[i] - a[i]);
                        b[i] += (1 - adam.Beta2) * ((g[i] * g[i]) - b[i]);
                        var step = lrT * a[i] / (Math.Sqrt(b[i]) + adam.Epsilon);
                        w[i] -= step;
                        // β^t by Math.Pow (≤ 1 ulp) and by repeated squaring (≤ 2 roundings for t ≤ 4) are within 4 ulps,
                        // 2^−51 relative; 1 − β^t magnifies that by β^t/(1 − β^t), and the square root halves it. m and v
                        // do not depend on lr_t, so each step's error adds to W once.
                        var relative = Math.ScaleB(1.0, -51) * ((power2 / (2 * (1 - power2))) + (power1 / (1 - power1)));
                        slack[i] += Math.Abs(step) * relative;
                        break;
                    default:
                        throw new ArgumentException($"No reference for {optimizer}.", nameof(optimizer));
                }
            }
        }
        return (w, slack);
    }
}
