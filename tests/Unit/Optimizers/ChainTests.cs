using System.Numerics;
using Functional.Facade.Data;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Optimizers;

public class ChainTests
{
    private static readonly HashSet<string> Weights = ["W1"];

    private static readonly ParamTree<double> Parameters = ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.Vector(1.0, 0.0)),
        KeyValuePair.Create("b1", Tensor.Vector(0.0)),
    ]);

    private static readonly ParamTree<double> Gradient = ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.Vector(3.0, 4.0)),
        KeyValuePair.Create("b1", Tensor.Vector(0.0)),
    ]);

    private static ParamTree<double> Updates(Chain chain) => chain.Update(Gradient, chain.Init(Parameters), Parameters, 0).Updates;

    [Fact]
    public void Links_apply_in_the_order_given_so_clip_then_decay_differs_from_decay_then_clip()
    {
        var sgd = new GradientDescent { Schedule = new ConstantRate(1) };
        // Clip first: (3, 4) has norm 5, scaled by 2.5/5 = ½ to (1.5, 2); then + 1·W = (2.5, 2). SGD at rate 1 negates.
        var clipThenDecay = Updates(Chain.Of(new ClipByGlobalNorm(2.5), new AddDecayedWeights(1, Weights), sgd));
        Assert.Equal(Tensor.Vector(-2.5, -2.0), clipThenDecay["W1"]);
        // Decay first: (4, 4), norm √32, then scaled to norm 2.5: both elements equal.
        var decayThenClip = Updates(Chain.Of(new AddDecayedWeights(1, Weights), new ClipByGlobalNorm(2.5), sgd));
        var w1 = decayThenClip["W1"].ToArray();
        Assert.Equal(w1[0], w1[1]);
        Assert.Equal(2.5, Math.Sqrt((w1[0] * w1[0]) + (w1[1] * w1[1])), 12);
        Assert.NotEqual(clipThenDecay["W1"], decayThenClip["W1"]);
        Assert.Equal(Tensor.Vector(-0.0), clipThenDecay["b1"]);
    }

    [Fact]
    public void An_empty_chain_a_null_link_and_clashing_slot_names_are_refused_naming_Chain()
    {
        var error = Assert.Throws<ArgumentException>(() => Chain.Of());
        Messages.Names(error, "Chain:", "at least one link", "got none");
        var nullLink = Assert.ThrowsAny<ArgumentException>(() => Chain.Of(new ClipByGlobalNorm(1), null!, new Adam()));
        Messages.Names(nullLink, "Chain:", "link 1 of 3 is null");
        Assert.ThrowsAny<ArgumentException>(() => Chain.Of(null!));
        var clash = Assert.Throws<ArgumentException>(() => Chain.Of(new Momentum(), new Momentum(), new Adam()));
        Messages.Names(clash, "Chain:", "'momentum.velocity'", "momentum,momentum,adam");
    }

    [Fact]
    public void The_last_links_slots_keep_their_names_and_the_others_are_prefixed_with_the_link_name()
    {
        var chain = Chain.Of(new Accumulate(), new ClipByGlobalNorm(1), new Adam());
        Assert.Equal(["accumulate.sum", "m", "v"], chain.SlotNames);
        var state = chain.Init(Parameters);
        Assert.Equal(["accumulate.sum", "m", "v"], state.Slots.Keys);
        Assert.Equal("accumulate,clip:1,adam", chain.Spec);
        Assert.Equal(["m", "v"], UpdateRule.DefaultChain(new Adam(), new ConstantRate(0.1), 1e-4, 1).SlotNames);
    }

    [Fact]
    public void A_state_from_another_chain_or_an_optimizer_without_a_schedule_is_refused()
    {
        var chain = Chain.Of(new ClipByGlobalNorm(1), new Adam { Schedule = new ConstantRate(0.1) });
        var error = Assert.Throws<ArgumentException>(() => chain.Update(Gradient, new Momentum().Init(Parameters), Parameters, 0));
        Messages.Names(error, "Chain.Update", "expected a state with slots [m, v]", "got [velocity]");
        var unscheduled = Chain.Of(new Adam());
        var missing = Assert.Throws<InvalidOperationException>(() => unscheduled.Update(Gradient, unscheduled.Init(Parameters), Parameters, 0));
        Messages.Names(missing, "Adam.Update", "no learning-rate schedule");
        var undeclared = Chain.Of(new AddDecayedWeights(0.1), new GradientDescent { Schedule = new ConstantRate(1) });
        Messages.Names(Assert.Throws<InvalidOperationException>(() => Updates(undeclared)), "AddDecayedWeights.Update", "no weights to decay");
    }

    [Fact]
    public void A_user_link_that_declares_slots_it_does_not_keep_is_refused_naming_it()
    {
        var chain = Chain.Of(new Liar(), new GradientDescent { Schedule = new ConstantRate(1) });
        var error = Assert.Throws<ArgumentException>(() => chain.Init(Parameters));
        Messages.Names(error, "Chain.Init", "link 0 (liar) declares slots [ghost]", "its state has []");
    }

    [Fact]
    public void A_transform_in_the_default_order_trains_bit_identically_to_the_default_chain_and_takes_the_run_schedule()
    {
        var data = Mnist.LoadEmbedded();
        var network = Network.TwoLayerNet(784, 6, 10);
        var schedule = new CosineDecay(0.01, 10);
        var flags = new TrainConfig(10, 10, 0.01, seed: 4, optimizer: new Adam(), schedule: schedule, weightDecay: 1e-3, clipNorm: 1);
        var chain = new TrainConfig(10, 10, 0.01, seed: 4, schedule: schedule, transform: Chain.Of(new AddDecayedWeights(1e-3), new ClipByGlobalNorm(1), new Adam()));
        Assert.Equal(flags.Transform, chain.Transform);
        Assert.Equal(new Adam(), chain.Optimizer);
        var (a, b) = (TrainingFold.Start(network, flags), TrainingFold.Start(network, chain));
        for (var i = 0; i < 5; i++)
        {
            var (stepA, stepB) = (TrainingFold.Step(network, a, data.Train, flags), TrainingFold.Step(network, b, data.Train, chain));
            Assert.Equal(stepA.Loss, stepB.Loss);
            (a, b) = (stepA.State, stepB.State);
        }
        Assert.Equal(a.LeafHashes(), b.LeafHashes());
    }

    [Fact]
    public void A_transform_with_optimizer_flags_or_without_an_optimizer_is_refused()
    {
        var both = Assert.Throws<ArgumentException>(() => new TrainConfig(optimizer: new Adam(), transform: Chain.Of(new Adam())));
        Messages.Names(both, "TrainConfig:", "either a transform (adam)", "got optimizer adam");
        var decay = Assert.Throws<ArgumentException>(() => new TrainConfig(weightDecay: 0.1, transform: Chain.Of(new Adam())));
        Messages.Names(decay, "TrainConfig:", "weight decay 0.1");
        var none = Assert.Throws<ArgumentException>(() => new TrainConfig(transform: Chain.Of(new ClipByGlobalNorm(1))));
        Messages.Names(none, "TrainConfig:", "the transform clip:1 has no optimizer link");
    }

    [Fact]
    public void Only_sgd_alone_at_the_constant_rate_takes_the_fused_path()
    {
        Assert.True(new TrainConfig().IsPlainSgd);
        Assert.True(new TrainConfig(learningRate: 0.5, transform: Chain.Of(new GradientDescent())).IsPlainSgd);
        Assert.False(new TrainConfig(learningRate: 0.5, transform: Chain.Of(new GradientDescent { Schedule = new ConstantRate(0.25) })).IsPlainSgd);
        Assert.False(new TrainConfig(weightDecay: 0.1).IsPlainSgd);
        Assert.False(new TrainConfig(transform: Chain.Of(new ClipByGlobalNorm(1), new GradientDescent())).IsPlainSgd);
    }

    [Fact]
    public void Float32_runs_every_link_in_float32()
    {
        var chain = Chain.Of(new AddDecayedWeights(0.1, Weights), new ClipByGlobalNorm(1), new Momentum { Schedule = new ConstantRate(0.1) });
        var p = Parameters.Convert<float>();
        var (u, s) = chain.Update(Gradient.Convert<float>(), chain.Init(p), p, 0);
        // (3.1, 4) + clip to norm 1, in float32, then −0.1f·g.
        var norm = Math.Sqrt((3.1f * (double)3.1f) + 16.0);
        var scale = (float)(1 / norm);
        Assert.Equal([-(0.1f * (3.1f * scale)), -(0.1f * (4f * scale))], u["W1"].ToArray());
        Assert.Equal(u["W1"], s.Slots["velocity"]["W1"]);
        Assert.Equal(1, s.Count);
    }

    /// <summary>A user's stateful link: passes the updates through and keeps their running sum in slot "sum".</summary>
    internal sealed record Accumulate : GradientTransformation
    {
        private static readonly string[] Slots = ["sum"];

        public override string Name => "accumulate";

        public override IReadOnlyList<string> SlotNames => Slots;

        public override OptimizerState<T> Init<T>(ParamTree<T> parameters) =>
            new(0, System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                [KeyValuePair.Create("sum", parameters.Map((_, t) => new Tensor<T>(t.Shape, new T[t.Length])))]));

        public override (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count) =>
            (updates, new OptimizerState<T>(count + 1, System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                [KeyValuePair.Create("sum", Sum(state.Slots["sum"], updates))])));

        private static ParamTree<T> Sum<T>(ParamTree<T> a, ParamTree<T> b)
            where T : unmanaged, IFloatingPointIeee754<T> => a.Zip(b, (x, y) => new Tensor<T>(x.Shape, [.. x.ToArray().Zip(y.ToArray(), (p, q) => p + q)]));
    }

    private sealed record Liar : GradientTransformation
    {
        private static readonly string[] Slots = ["ghost"];

        public override string Name => "liar";

        public override IReadOnlyList<string> SlotNames => Slots;

        public override OptimizerState<T> Init<T>(ParamTree<T> parameters) => OptimizerState<T>.Empty;

        public override (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count) =>
            (updates, state);
    }
}
