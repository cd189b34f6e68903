using CsCheck;
using Functional.Composition;
using Functional.Initializers;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Composition;

/// <summary>Sequential and Residual as ILayers: gradients of random chains, and what composing must not change.</summary>
public class CompositionProperties
{
    /// <summary>A built-in layer of one kind, with an input, parameters, state and context for it.</summary>
    private sealed record LayerCase(ILayer Layer, Tensor<double> X, Params<double> Params, LayerState<double> State, StepContext Context)
    {
        public Shape PerSample => new(X.Shape[1]);

        public override string ToString() => $"LayerCase {{ {Layer.Spec}, training {Context.Training}, X = {X}, Key = {Context.Key} }}";
    }

    // Every built-in kind (Residual blocks and nested chains included), in training or inference mode.
    private static readonly Gen<LayerCase> Layers =
        from kind in Gen.Int[0, 8]
        from variant in Gen.Int[0, 3]
        from inputs in Gen.Int[1, 6]
        from width in Gen.Int[1, 6]
        from training in Gen.Bool
        from batch in Gen.Int[1, 5]
        from x in Gens.TensorOf([batch, inputs])
        from seed in Gen.ULong
        let layer = ChainGens.Layer(kind, kind == 7 ? inputs : width, variant)
        let key = RngKey.FromSeed(seed)
        let values = ChainGens.Values(layer, new Shape(inputs), key)
        select new LayerCase(layer, x, values.Params, values.State, new StepContext(training, key.FoldIn(99)));

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Random_chains_of_every_kind_have_dx_and_every_parameter_gradient_of_finite_differences(Precision precision) =>
        PropertyCheck.ForAll(ChainGens.ChainsFor(precision), c =>
            ChainGens.CheckGradients(c.Chain, c.PerSample, c.Context, c.State, c.X, c.Params, precision));

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Residual_chains_have_dx_and_every_parameter_gradient_of_finite_differences(Precision precision) =>
        PropertyCheck.ForAll(ChainGens.ChainsFor(precision).Where(c => c.Items.Any(i => i is Residual)), c =>
            ChainGens.CheckGradients(c.Chain, c.PerSample, c.Context, c.State, c.X, c.Params, precision));

    [Fact]
    public void A_Sequential_of_one_layer_is_that_layer_bit_for_bit() =>
        PropertyCheck.ForAll(Layers, c =>
        {
            var single = Sequential.Of(c.Layer);
            var leafContext = LeafContext(c);
            var initKey = RngKey.FromSeed(5);

            var chain = single.Forward(c.Params, c.State, c.X, c.Context);
            var alone = c.Layer.Forward(c.Params, c.State, c.X, leafContext);
            var dOut = Sample.Normal(c.Context.Key.FoldIn(7), chain.Output.Shape.Dims.AsSpan());
            var chainBack = single.Backward(chain.Cache, dOut);
            var aloneBack = c.Layer.Backward(alone.Cache, dOut);

            Assert.Equal(alone.Output, chain.Output);
            Assert.Equal(alone.State, chain.State);
            Assert.Equal(aloneBack.Dx, chainBack.Dx);
            Assert.Equal(aloneBack.Gradient, chainBack.Gradient);
            Assert.Equal(c.Layer.Infer(c.Params, c.State, c.X), single.Infer(c.Params, c.State, c.X));
            Assert.Equal(c.Layer.Init(IsLeaf(c.Layer) ? initKey.FoldIn(1) : initKey, c.PerSample, new NormalInit(1.0)), single.Init(initKey, c.PerSample, new NormalInit(1.0)));
            Assert.Equal(c.Layer.OutputShape(c.PerSample), single.OutputShape(c.PerSample));
        });

    [Fact]
    public void A_Residual_whose_inner_Affine_is_zero_is_the_identity_and_passes_dOut_through() =>
        PropertyCheck.ForAll(
            from width in Gen.Int[1, 6]
            from batch in Gen.Int[1, 5]
            from x in Gens.TensorOf([batch, width])
            from dOut in Gens.TensorOf([batch, width])
            select (x, dOut),
            t =>
            {
                var (x, dOut) = t;
                var width = x.Shape[1];
                var residual = new Residual(new AffineLayer(width));
                var zero = Params<double>.Of(Tensor.Zeros<double>(width, width), Tensor.Zeros<double>(width));

                var forwarded = residual.Forward(zero, LayerState<double>.Empty, x, StepContext.Train(RngKey.FromSeed(1)));
                var backwarded = residual.Backward(forwarded.Cache, dOut);

                Assert.Equal(x, forwarded.Output);
                Assert.Equal(x, residual.Infer(zero, LayerState<double>.Empty, x));
                Assert.Equal(dOut, backwarded.Dx);
                // The inner Affine still learns: its gradient is the one it would have alone.
                var inner = new AffineLayer(width).Forward(zero, LayerState<double>.Empty, x, StepContext.Inference);
                Assert.Equal(((ILayer)new AffineLayer(width)).Backward(inner.Cache, dOut).Gradient, backwarded.Gradient);
            });

    [Fact]
    public void A_Residual_adds_its_input_and_dx_is_dOut_plus_the_inner_layers_dx() =>
        PropertyCheck.ForAll(Layers.Where(c => c.Layer.OutputShape(c.PerSample) == c.PerSample), c =>
        {
            var residual = new Residual(c.Layer);
            var leafContext = LeafContext(c);
            var forwarded = residual.Forward(c.Params, c.State, c.X, c.Context);
            var inner = c.Layer.Forward(c.Params, c.State, c.X, leafContext);
            var dOut = Sample.Normal(c.Context.Key.FoldIn(7), c.X.Shape.Dims.AsSpan());

            var backwarded = residual.Backward(forwarded.Cache, dOut);
            var innerBack = c.Layer.Backward(inner.Cache, dOut);

            Assert.Equal(Sum(c.X, inner.Output), forwarded.Output);
            Assert.Equal(inner.State, forwarded.State);
            Assert.Equal(Sum(dOut, innerBack.Dx), backwarded.Dx);
            Assert.Equal(innerBack.Gradient, backwarded.Gradient);
        });

    [Fact]
    public void A_nested_Sequential_computes_what_the_flat_one_does_with_the_same_names_and_keys() =>
        PropertyCheck.ForAll(
            from c in ChainGens.Chains
            from cut in Gen.Int[0, c.Items.Length]
            from inResidual in Gen.Bool
            select (c, cut, inResidual),
            t =>
            {
                var (c, cut, inResidual) = t;
                // The nested Sequential is built from an array holding a Sequential (a Tanh stands in for an empty head).
                var head = cut == 0 ? [new TanhLayer()] : c.Items[..cut];
                var flatChain = Sequential.Of([.. head, .. c.Items[cut..]]);
                var nestedChain = new Sequential([Sequential.Of(head), .. c.Items[cut..]]);
                var perSample = c.PerSample;
                var wrap = inResidual && flatChain.OutputShape(perSample) == perSample;
                ILayer flat = wrap ? new Residual(flatChain) : flatChain;
                ILayer nested = wrap ? new Residual(nestedChain) : nestedChain;
                var values = ChainGens.Values(flat, perSample, c.Context.Key.FoldIn(3));

                Assert.Equal<ParamSpec>(flat.ParameterSpecs(perSample), nested.ParameterSpecs(perSample));   // element by element, not ImmutableArray's reference equality
                Assert.Equal<ParamSpec>(flat.StateSpecs(perSample), nested.StateSpecs(perSample));
                Assert.Equal(flat.Spec, nested.Spec);
                var a = flat.Forward(values.Params, values.State, c.X, c.Context);
                var b = nested.Forward(values.Params, values.State, c.X, c.Context);
                Assert.Equal(a.Output, b.Output);   // Dropout's masks too: each leaf's key is the flat chain's
                Assert.Equal(a.State, b.State);
                var dOut = Sample.Normal(c.Context.Key.FoldIn(7), a.Output.Shape.Dims.AsSpan());
                var (da, db) = (flat.Backward(a.Cache, dOut), nested.Backward(b.Cache, dOut));
                Assert.Equal(da.Dx, db.Dx);
                Assert.Equal(da.Gradient, db.Gradient);
                Assert.Equal(flat.Init(RngKey.FromSeed(4), perSample, new NormalInit(1.0)), nested.Init(RngKey.FromSeed(4), perSample, new NormalInit(1.0)));
            });

    [Fact]
    public void Infer_is_Forward_at_inference_bit_for_bit_for_every_built_in_layer_and_chain() =>
        PropertyCheck.ForAll(
            Gen.OneOf(Layers.Select(c => (c.Layer, c.X, c.Params, c.State)), ChainGens.Chains.Select(c => ((ILayer)c.Chain, c.X, c.Params, c.State))),
            t =>
            {
                var (layer, x, parameters, state) = t;
                var forwarded = layer.Forward(parameters, state, x, StepContext.Inference);

                Assert.Equal(forwarded.Output, layer.Infer(parameters, state, x));
                Assert.Equal(state, forwarded.State);
            });

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void BatchNorm_at_inference_has_dx_dgamma_and_dbeta_of_finite_differences(Precision precision) =>
        PropertyCheck.ForAll(
            from features in Gen.Int[1, 6]
            from batch in Gen.Int[1, 5]
            from x in Gens.TensorOf([batch, features])
            from seed in Gen.ULong
            select (x, Key: RngKey.FromSeed(seed)),
            t =>
            {
                var layer = new BatchNormLayer();
                var perSample = new Shape(t.x.Shape[1]);
                var (parameters, state) = ChainGens.Values(layer, perSample, t.Key);

                // At inference the output is linear in x and in (γ, β) separately, so float32's h = 1e-2 truncates nothing.
                ChainGens.CheckGradients(layer, perSample, StepContext.Inference, state, t.x, parameters, precision);
            });

    private static bool IsLeaf(ILayer layer) => layer is not (Sequential or Residual);

    // A chain gives a leaf that is the first of its kind the key root.FoldIn(1), as the book's network did; a Residual
    // or a chain inside it passes the root on, so their own leaves get the same keys as they would alone.
    private static StepContext LeafContext(LayerCase c) =>
        IsLeaf(c.Layer) ? c.Context with { Key = c.Context.Key.FoldIn(1) } : c.Context;

    private static Tensor<double> Sum(Tensor<double> a, Tensor<double> b)
    {
        var sum = new double[a.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = a.Span[i] + b.Span[i];
        }
        return Tensor.FromArray(sum, [.. a.Shape.Dims]);
    }
}
