using System.Numerics;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Functional.Composition;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Facade;

/// <summary>LayerCheck on any ILayer: dx and every parameter's gradient, state and keys, and the layer's contract.</summary>
public class LayerCheckLayerTests
{
    private static readonly Shape Three = new(3);

    private static readonly LayerCheckOptions Quick = new() { Runs = 30 };

    /// <summary>What <see cref="ScaleLayer"/>'s forward keeps.</summary>
    private sealed record ScaleCache<T>(Tensor<T> X, Tensor<T> W) : LayerCache
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// A user layer y = x ⊙ w (w one weight per feature), which can be told to get its backward wrong in one way.
    /// </summary>
    private sealed record ScaleLayer(double DwFactor = 1, double DxFactor = 1, bool DropGradient = false, bool WriteDOut = false) : Layer
    {
        public override string Kind => "scale";

        public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => [new("w", input)];

        public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        {
            var w = parameters[0];
            var y = new T[x.Length];
            for (var k = 0; k < y.Length; k++)
            {
                y[k] = x.Span[k] * w.Span[k % w.Length];
            }
            return new(Tensor.FromArray(y, [.. x.Shape.Dims]), new ScaleCache<T>(x, w), state);
        }

        public override Backwarded<T> Backward<T>(LayerCache layerCache, Tensor<T> dOut)
        {
            var cache = Own<ScaleCache<T>>(layerCache);
            var (x, w) = (cache.X, cache.W);
            var (dxFactor, dwFactor) = (T.CreateTruncating(DxFactor), T.CreateTruncating(DwFactor));
            var (dx, dw) = (new T[x.Length], new T[w.Length]);
            for (var k = 0; k < dx.Length; k++)
            {
                dx[k] = dxFactor * dOut.Span[k] * w.Span[k % w.Length];
                dw[k % w.Length] += dwFactor * dOut.Span[k] * x.Span[k];
            }
            if (WriteDOut)
            {
                // The bug under test: writing through the read-only view of the caller's dOut.
                MemoryMarshal.GetReference(dOut.Span) = T.CreateTruncating(0.5);
            }
            return new(Tensor.FromArray(dx, [.. x.Shape.Dims]), DropGradient ? Params<T>.Empty : Params<T>.Of(Tensor.FromArray(dw, [.. w.Shape.Dims])));
        }
    }

    /// <summary>A user layer with state that (wrongly) writes into the state it is given.</summary>
    private sealed record CountingLayer : Layer
    {
        public override string Kind => "counting";

        public override ImmutableArray<ParamSpec> StateSpecs(Shape input) => [new("count", new Shape(1))];

        public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        {
            MemoryMarshal.GetReference(state[0].Span) += T.One;
            return new(x, new ScaleCache<T>(x, x), state);
        }

        public override Backwarded<T> Backward<T>(LayerCache layerCache, Tensor<T> dOut)
        {
            _ = Own<ScaleCache<T>>(layerCache);
            return new(dOut, Params<T>.Empty);
        }
    }

    [Fact]
    public void A_correct_user_layer_passes_in_both_modes_with_its_parameter_checked()
    {
        var report = LayerCheck.Verify(new ScaleLayer(), Three, Quick);

        Assert.True(report.Passed, report.Failure?.Message);
        Assert.Equal(60, report.CasesRun);
    }

    [Fact]
    public void Built_in_layers_and_a_chain_pass_through_their_ILayer_interface()
    {
        ILayer[] layers =
        [
            new AffineLayer(2), new TanhLayer(), new SigmoidLayer(), new LeakyReluLayer(0.1), new DropoutLayer(0.4),
            Sequential.Of(new AffineLayer(4), new TanhLayer(), new AffineLayer(2)),
            new Residual(Sequential.Of(new AffineLayer(3), new SigmoidLayer())),
        ];
        foreach (var layer in layers)
        {
            var report = LayerCheck.Verify(layer, Three, Quick with { InputFilter = v => Math.Abs(v) >= 1.0 / 64 });

            Assert.True(report.Passed, report.Failure?.Message);
        }
    }

    [Fact]
    public void The_README_example_of_a_chain_passes_with_the_default_options() =>
        LayerCheck.Assert(Sequential.Of(new AffineLayer(4), new TanhLayer(), new AffineLayer(2)), new Shape(3));

    [Fact]
    public void BatchNorm_passes_in_training_mode_with_its_batch_statistics_and_at_inference_with_a_given_state()
    {
        var state = LayerState<double>.Of(Tensor.Vector(0.5, -1, 0), Tensor.Vector(1, 0.25, 4));

        var report = LayerCheck.Verify(new BatchNormLayer(), Three, Quick, WellConditionedBatch, state);

        Assert.True(report.Passed, report.Failure?.Message);
    }

    [Fact]
    public void Parameters_are_arguments_named_as_the_layer_declares_them()
    {
        var rule = RuleUnderTest.Layer(Sequential.Of(new AffineLayer(2), new BatchNormLayer()), Three);

        Assert.Equal(["x", "W1", "b1", "gamma1", "beta1"], rule.Arguments.Select(a => a.Name));
        Assert.Equal("layer affine:2,batchnorm (Sequential), training", rule.Subject);
    }

    [Fact]
    public void A_wrong_parameter_gradient_fails_naming_the_layer_and_the_parameter()
    {
        var failure = LayerCheck.Verify(RuleUnderTest.Layer(new ScaleLayer(DwFactor: 1.01), Three)).Failure;

        Assert.NotNull(failure);
        Assert.Equal("w", failure.Argument);
        Assert.Contains("LayerCheck of layer scale (ScaleLayer), training: property", failure.Message, StringComparison.Ordinal);
        Assert.Contains("for the gradient of w", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.CaseSeed);
        Assert.Contains($"Replay = \"{failure.CaseSeed}\"", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_parameter_gradient_replays_from_its_case_seed()
    {
        var rule = RuleUnderTest.Layer(new ScaleLayer(DwFactor: 1.01), Three);
        var failure = LayerCheck.Verify(rule).Failure!;

        var replayed = LayerCheck.Verify(rule, new LayerCheckOptions { Replay = failure.CaseSeed });

        Assert.False(replayed.Passed);
        Assert.Equal(failure.Arguments.Select(a => a.Values), replayed.Failure!.Arguments.Select(a => a.Values));
    }

    [Fact]
    public void A_wrong_dx_fails_naming_the_input()
    {
        var failure = LayerCheck.Verify(new ScaleLayer(DxFactor: -1), Three).Failure;

        Assert.NotNull(failure);
        Assert.Equal("x", failure.Argument);
        Assert.Contains("for the gradient of x", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gradient_of_the_wrong_count_fails_naming_the_declared_parameters()
    {
        var failure = LayerCheck.Verify(new ScaleLayer(DropGradient: true), Three).Failure;

        Assert.NotNull(failure);
        Assert.Equal(LayerCheckProperties.Shapes, failure.Property);
        Assert.Contains("layer scale (ScaleLayer): Backward's Gradient holds 0 tensors, but ParameterSpecs([3]) declare 1 (w)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_that_writes_dOut_fails_purity()
    {
        var failure = LayerCheck.Verify(new ScaleLayer(WriteDOut: true), Three).Failure;

        Assert.NotNull(failure);
        Assert.Equal(LayerCheckProperties.Purity, failure.Property);
        Assert.Contains("layer scale (ScaleLayer): Backward changed dOut: element [0, 0] is", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_that_writes_its_state_fails_purity_naming_the_state_tensor()
    {
        var failure = LayerCheck.Verify(new CountingLayer(), Three).Failure;

        Assert.NotNull(failure);
        Assert.Equal(LayerCheckProperties.Purity, failure.Property);
        Assert.Contains("Forward changed the state it was given: 'count'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_that_does_not_fit_the_layer_is_rejected_naming_the_layer()
    {
        var e = Assert.Throws<ArgumentException>(() => RuleUnderTest.Layer(new BatchNormLayer(), Three, state: LayerState<double>.Empty));

        Assert.Contains("layer batchnorm (BatchNormLayer)", e.Message, StringComparison.Ordinal);
        Assert.Contains("declare 2 (mean, var)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_in_training_mode_uses_one_mask_for_every_evaluation_so_its_gradient_checks()
    {
        var rule = RuleUnderTest.Layer(new DropoutLayer(0.5), new Shape(4), StepContext.Train(RngKey.FromSeed(7)));

        var report = LayerCheck.Verify(rule, Quick);

        Assert.True(report.Passed, report.Failure?.Message);
    }

    // Batches of at least 3 whose columns' variance is at least 1/16: near 0 BatchNorm is ill-conditioned for h = 1e-5.
    private static bool WellConditionedBatch(IReadOnlyList<Tensor<double>> args)
    {
        var x = args[0];
        return x.Shape[0] >= 3 && Enumerable.Range(0, x.Shape[1]).All(j =>
        {
            var column = Enumerable.Range(0, x.Shape[0]).Select(i => x[i, j]).ToArray();
            var mean = column.Average();
            return column.Sum(v => (v - mean) * (v - mean)) / column.Length >= 1.0 / 16;
        });
    }
}
